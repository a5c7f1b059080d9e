import type { PrismaClient } from "../db/prisma-client.ts";
import type { CitationEdge } from "../citations/link-citations.ts";
import type { StageClaim } from "./checkpoint-store.ts";
import { StaleAttemptError } from "./stale-attempt-error.ts";

/** One document's published CITATIONS output, as other documents of its batch see it. */
export interface PublishedCitations<T> {
  documentId: string;
  output: T;
}

/**
 * The CITATIONS stage's writes. Publishing a document's references and linking the batch's
 * citation network happen in one transaction, under a per-batch advisory lock (so two
 * documents finishing together still see each other) and fenced by the claim: a stale run
 * publishes nothing and links nothing.
 */
export class CitationStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /**
   * Publishes `output` as this document's CITATIONS output, then calls `link` with every
   * published output of the batch (this one included) and stores the edges it returns.
   * Returns how many edges `link` produced.
   */
  async publishAndLink<T>(
    claim: StageClaim,
    batchId: string,
    output: T,
    link: (published: PublishedCitations<T>[]) => CitationEdge[],
  ): Promise<number> {
    return this.#prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${batchId}))`;
      const published = await tx.$executeRaw`
        UPDATE checkpoints SET output = ${JSON.stringify(output)}::jsonb, updated_at = now()
         WHERE document_id = ${claim.documentId}::uuid AND stage = 'CITATIONS' AND attempt = ${claim.attempt} AND status = 'RUNNING'`;
      if (published === 0) throw new StaleAttemptError(claim.documentId, "CITATIONS", claim.attempt);
      const rows = await tx.$queryRaw<{ document_id: string; output: T }[]>`
        SELECT c.document_id, c.output FROM checkpoints c JOIN document_jobs d ON d.id = c.document_id
         WHERE d.batch_id = ${batchId}::uuid AND c.stage = 'CITATIONS' AND c.output IS NOT NULL`;
      const edges = link(rows.map((row) => ({ documentId: row.document_id, output: row.output })));
      for (const edge of edges) {
        await tx.$executeRaw`
          INSERT INTO citation_edges (id, batch_id, from_document_id, to_document_id, reference_index, confidence, matched_by)
          VALUES (gen_random_uuid(), ${batchId}::uuid, ${edge.fromDocumentId}::uuid, ${edge.toDocumentId}::uuid,
                  ${edge.referenceIndex}, ${edge.confidence}, ${edge.matchedBy})
          ON CONFLICT (from_document_id, reference_index, to_document_id) DO NOTHING`;
      }
      return edges.length;
    });
  }
}
