import pg from "pg";
import type { PrismaClient } from "../db/prisma-client.ts";

/** What adopting uploads needs: a transaction client (or the client itself). */
type RawClient = Pick<PrismaClient, "$executeRaw" | "$queryRaw">;

/**
 * pg's small Buffers are views into a shared slab; consumers that hand `bytes.buffer` on (to the
 * render workers, to pdf.js) need an ArrayBuffer holding exactly these bytes.
 */
function ownBytes(buffer: Buffer): Uint8Array<ArrayBuffer> {
  const whole = buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength;
  return whole ? new Uint8Array(buffer.buffer as ArrayBuffer) : new Uint8Array(buffer);
}

/** Bytes read per query when an upload is streamed back (embedFile reads uploads this way). */
const READ_SLICE_BYTES = 1024 * 1024;

/**
 * Uploaded bytes as PostgreSQL large objects.
 *
 * Why large objects: they are written piece by piece (`lo_put`) as the multipart body arrives,
 * so the API process holds one slice at a time whatever the file size, and every worker process
 * reads them through the database it already uses (no shared disk needed between processes).
 *
 * Why the staging table: each `lo_put` commits on its own, so a large object exists before the
 * batch that will own it. It is created together with an `upload_staging` row; the batch
 * transaction deletes the row while it inserts `document_contents` (adoption, all or nothing);
 * a refused upload is unlinked with its row; rows that a crash left behind are swept at start.
 * Unlinking goes through the staging row, so an adopted large object can never be unlinked by a
 * late cleanup.
 *
 * Bytes go through a small pg pool of its own, not Prisma: Prisma converts byte parameters and
 * results on the way (measured: ~5× the bytes in transient memory), pg sends Buffers as binary.
 */
export class UploadStore {
  readonly #prisma: PrismaClient;
  readonly #pool: pg.Pool;

  constructor(prisma: PrismaClient, databaseUrl: string, options: { poolSize?: number } = {}) {
    this.#prisma = prisma;
    this.#pool = new pg.Pool({ connectionString: databaseUrl, max: options.poolSize ?? 4 });
    // An idle client losing its connection (database restart) must not crash the process.
    this.#pool.on("error", () => undefined);
  }

  /** Closes the byte pool (the app's stop()). */
  async close(): Promise<void> {
    await this.#pool.end();
  }

  /** A new, empty staged large object; returns its oid. */
  async create(): Promise<number> {
    const { rows } = await this.#pool.query<{ oid: string }>(
      "INSERT INTO upload_staging (large_object) VALUES (lo_create(0)) RETURNING large_object::bigint::text AS oid",
    );
    return Number(rows[0]!.oid);
  }

  /** Writes `bytes` at `offset` (one statement, committed on its own). */
  async write(oid: number, offset: number, bytes: Uint8Array): Promise<void> {
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    await this.#pool.query("SELECT lo_put($1::bigint::oid, $2::bigint, $3::bytea)", [oid, offset, buffer]);
  }

  /** Bytes [offset, offset + length) of a large object (fewer at its end). */
  async read(oid: number, offset: number, length: number): Promise<Uint8Array<ArrayBuffer>> {
    const { rows } = await this.#pool.query<{ bytes: Buffer }>("SELECT lo_get($1::bigint::oid, $2::bigint, $3::int) AS bytes", [oid, offset, length]);
    return ownBytes(rows[0]!.bytes);
  }

  /** A large object as a stream read slice by slice. */
  stream(oid: number, size: number): ReadableStream<Uint8Array<ArrayBuffer>> {
    let offset = 0;
    return new ReadableStream<Uint8Array<ArrayBuffer>>({
      pull: async (controller) => {
        if (offset >= size) {
          controller.close();
          return;
        }
        const slice = await this.read(oid, offset, Math.min(READ_SLICE_BYTES, size - offset));
        offset += slice.byteLength;
        controller.enqueue(slice);
        if (slice.byteLength === 0) controller.close();
      },
    });
  }

  /** Unlinks staged large objects (never adopted ones: only oids still in upload_staging). */
  async discard(oids: number[]): Promise<void> {
    if (oids.length === 0) return;
    await this.#pool.query(
      `WITH gone AS (DELETE FROM upload_staging WHERE large_object = ANY($1::bigint[]::oid[]) RETURNING large_object)
       SELECT lo_unlink(large_object) FROM gone`,
      [oids],
    );
  }

  /**
   * Inside the transaction that creates the documents: each document's content becomes its
   * staged large object. Throws when one is no longer staged (discarded or swept meanwhile),
   * which rolls the whole batch back.
   */
  static async adopt(tx: RawClient, contents: { documentId: string; oid: number }[]): Promise<void> {
    if (contents.length === 0) return;
    const oids = contents.map((content) => content.oid);
    const adopted = await tx.$executeRaw`DELETE FROM upload_staging WHERE large_object = ANY(${oids}::bigint[]::oid[])`;
    if (adopted !== new Set(oids).size) throw new Error("An upload was discarded before its batch was stored.");
    await tx.$executeRaw`
      INSERT INTO document_contents (document_id, large_object)
      SELECT * FROM unnest(${contents.map((c) => c.documentId)}::uuid[], ${oids}::bigint[]::oid[])`;
  }

  /** A document's whole content (what the pipeline stages parse). */
  async readDocument(documentId: string): Promise<Uint8Array> {
    const { rows } = await this.#pool.query<{ bytes: Buffer }>(
      "SELECT lo_get(large_object) AS bytes FROM document_contents WHERE document_id = $1::uuid",
      [documentId],
    );
    if (!rows[0]) throw new Error(`No content for document ${documentId}`);
    return ownBytes(rows[0].bytes);
  }

  /** Unlinks uploads staged before `before` and never adopted (a crash mid-upload); returns how many. */
  async sweepAbandoned(before: Date): Promise<number> {
    return this.#prisma.$executeRaw`
      WITH gone AS (DELETE FROM upload_staging WHERE created_at < ${before} RETURNING large_object)
      SELECT lo_unlink(large_object) FROM gone`;
  }
}
