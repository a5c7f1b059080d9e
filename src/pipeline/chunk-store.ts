import type { PrismaClient } from "../db/prisma-client.ts";
import type { TextChunk } from "../text/chunk-text.ts";
import type { StageClaim } from "./checkpoint-store.ts";
import { StaleAttemptError } from "./stale-attempt-error.ts";

/** Chunk rows, replaced and embedded in bulk (one unnest statement each, not row by row). */
export class ChunkStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /** Replaces the document's chunks, fenced by the CHUNK attempt, in one transaction. */
  async replace(claim: StageClaim, chunks: TextChunk[]): Promise<void> {
    await this.#prisma.$transaction(async (tx) => {
      const current = await tx.$queryRaw<{ ok: boolean }[]>`
        SELECT true AS ok FROM checkpoints
         WHERE document_id = ${claim.documentId}::uuid AND stage = 'CHUNK' AND attempt = ${claim.attempt} AND status = 'RUNNING'
         FOR UPDATE`;
      if (current.length === 0) throw new StaleAttemptError(claim.documentId, claim.stage, claim.attempt);
      await tx.$executeRaw`DELETE FROM chunks WHERE document_id = ${claim.documentId}::uuid`;
      if (chunks.length === 0) return;
      await tx.$executeRawUnsafe(
        `INSERT INTO chunks (document_id, index, text, token_count, page_start, page_end, heading_path, embedding)
         SELECT $1::uuid, v.index, v.text, v.token_count, v.page_start, v.page_end,
                COALESCE((SELECT array_agg(h) FROM jsonb_array_elements_text(v.heading_path) AS h), '{}'), '{}'
           FROM unnest($2::int[], $3::text[], $4::int[], $5::int[], $6::int[], $7::jsonb[])
             AS v(index, text, token_count, page_start, page_end, heading_path)`,
        claim.documentId,
        chunks.map((chunk) => chunk.index),
        chunks.map((chunk) => chunk.text),
        chunks.map((chunk) => chunk.tokenCount),
        chunks.map((chunk) => chunk.pageStart),
        chunks.map((chunk) => chunk.pageEnd),
        chunks.map((chunk) => JSON.stringify(chunk.headingPath)),
      );
    });
  }

  /** Chunks still without an embedding. */
  async unembedded(documentId: string): Promise<{ index: number; text: string }[]> {
    return this.#prisma.$queryRaw<{ index: number; text: string }[]>`
      SELECT index, text FROM chunks WHERE document_id = ${documentId}::uuid AND cardinality(embedding) = 0 ORDER BY index`;
  }

  async saveEmbeddings(claim: StageClaim, rows: { index: number; vector: number[] }[]): Promise<void> {
    if (rows.length === 0) return;
    const count = await this.#prisma.$executeRawUnsafe(
      `UPDATE chunks k SET embedding = ARRAY(SELECT jsonb_array_elements_text(v.vector)::real)
         FROM unnest($2::int[], $3::jsonb[]) AS v(index, vector), checkpoints c
        WHERE k.document_id = $1::uuid AND k.index = v.index
          AND c.document_id = k.document_id AND c.stage = 'EMBED' AND c.attempt = $4 AND c.status = 'RUNNING'`,
      claim.documentId,
      rows.map((row) => row.index),
      rows.map((row) => JSON.stringify(row.vector)),
      claim.attempt,
    );
    if (count === 0) throw new StaleAttemptError(claim.documentId, claim.stage, claim.attempt);
  }
}
