import type { PrismaClient } from "../db/prisma-client.ts";
import { InvalidInputError } from "../errors/domain-errors.ts";
import type { ModelGateway } from "../providers/provider-types.ts";

export interface SearchHit {
  documentId: string;
  filename: string;
  chunkIndex: number;
  text: string;
  pageStart: number;
  pageEnd: number;
  score: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Top-k chunks of the caller's processed documents by embedding similarity. Vectors are unit
 * length, so the dot product PostgreSQL computes is the cosine similarity. A provider that
 * cannot embed the query throws its ProviderError (PROVIDER_* code), which the schema shows.
 */
export async function searchChunks(
  deps: { prisma: PrismaClient; gateway: ModelGateway },
  userId: string,
  input: { query: string; batchId?: string | null; k: number },
): Promise<SearchHit[]> {
  const query = input.query.trim();
  if (!query) throw new InvalidInputError("query must not be empty.");
  if (query.length > 4000) throw new InvalidInputError("query is longer than 4000 characters.");
  if (!Number.isInteger(input.k) || input.k < 1 || input.k > 100) {
    throw new InvalidInputError("k must be a whole number from 1 to 100.");
  }
  if (input.batchId && !UUID.test(input.batchId)) return [];
  const { vectors } = await deps.gateway.embed({ purpose: "search.query", userId, inputs: [query] });
  const vector = vectors[0] ?? [];
  const rows = await deps.prisma.$queryRaw<
    { document_id: string; filename: string; index: number; text: string; page_start: number; page_end: number; score: number }[]
  >`
    SELECT c.document_id, d.filename, c.index, c.text, c.page_start, c.page_end,
           (SELECT sum(a * b) FROM unnest(c.embedding, ${vector}::real[]) AS t(a, b))::float8 AS score
      FROM chunks c JOIN document_jobs d ON d.id = c.document_id
     WHERE d.user_id = ${userId}::uuid
       AND (${input.batchId ?? null}::uuid IS NULL OR d.batch_id = ${input.batchId ?? null}::uuid)
       AND cardinality(c.embedding) = ${vector.length}
     ORDER BY score DESC
     LIMIT ${input.k}`;
  return rows.map((row) => ({
    documentId: row.document_id,
    filename: row.filename,
    chunkIndex: row.index,
    text: row.text,
    pageStart: row.page_start,
    pageEnd: row.page_end,
    score: row.score,
  }));
}
