import type { PrismaClient } from "../db/prisma-client.ts";
import { postgresJson } from "../db/postgres-text.ts";
import type { Stage } from "../generated/prisma/enums.ts";

/** The batch-level research results kept between reads. */
export type ResearchResultKind = "entities" | "topics";

/**
 * Batch-level research results (entity clusters, topics), stored with the fingerprint of what
 * they were computed from. The fingerprint is read before the inputs: a document finishing in
 * between makes the stored row older than its inputs, never newer, so at worst the next read
 * computes again; a row is never served for a set of documents it was not computed from.
 * Two readers computing at once both write; the last write wins and both hold a correct result
 * for their fingerprint, so no fencing beyond the fingerprint is needed.
 */
export class ResearchResultStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /**
   * The set of documents whose `stage` completed, with the attempt that completed it: a
   * document finishing adds an entry, a retry's new attempt changes one.
   */
  async fingerprint(batchId: string, stage: Stage): Promise<string> {
    const rows = await this.#prisma.$queryRaw<{ fingerprint: string | null; documents: bigint }[]>`
      SELECT md5(string_agg(c.document_id::text || ':' || c.attempt, ',' ORDER BY c.document_id)) AS fingerprint, count(*) AS documents
        FROM checkpoints c JOIN document_jobs d ON d.id = c.document_id
       WHERE d.batch_id = ${batchId}::uuid AND c.stage = ${stage}::"Stage" AND c.status = 'COMPLETED'`;
    const row = rows[0];
    return `${stage}:${Number(row?.documents ?? 0)}:${row?.fingerprint ?? "none"}`;
  }

  /** The stored value, if it was computed for exactly this fingerprint. */
  async read<T>(batchId: string, kind: ResearchResultKind, fingerprint: string): Promise<T | undefined> {
    const row = await this.#prisma.researchResult.findUnique({ where: { batchId_kind: { batchId, kind } }, select: { fingerprint: true, value: true } });
    return row && row.fingerprint === fingerprint ? (row.value as T) : undefined;
  }

  async write(batchId: string, kind: ResearchResultKind, fingerprint: string, value: unknown, durationMs: number): Promise<void> {
    await this.#prisma.$executeRaw`
      INSERT INTO research_results (batch_id, kind, fingerprint, value, duration_ms, computed_at)
      VALUES (${batchId}::uuid, ${kind}, ${fingerprint}, ${postgresJson(value)}::jsonb, ${Math.round(durationMs)}, now())
      ON CONFLICT (batch_id, kind) DO UPDATE
        SET fingerprint = EXCLUDED.fingerprint, value = EXCLUDED.value, duration_ms = EXCLUDED.duration_ms, computed_at = now()`;
  }
}
