import type { PrismaClient } from "../db/prisma-client.ts";
import type { Stage } from "../generated/prisma/enums.ts";
import type { CitationEdge, DocumentJob, EntityMention, PaperMetadata, PaperReference } from "../generated/prisma/client.ts";

/** A reference with the batch document it was linked to, if any. */
export type ReferenceWithTarget = PaperReference & { targetId: string | null };

/** Reads of the research rows; every method is scoped by ids the service has authorised. */
export class ResearchReadStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  metadata(documentId: string): Promise<PaperMetadata | null> {
    return this.#prisma.paperMetadata.findUnique({ where: { documentId } });
  }

  async references(documentId: string): Promise<ReferenceWithTarget[]> {
    const [references, edges] = await Promise.all([
      this.#prisma.paperReference.findMany({ where: { documentId }, orderBy: { index: "asc" } }),
      this.#prisma.citationEdge.findMany({ where: { fromDocumentId: documentId }, select: { referenceIndex: true, toDocumentId: true } }),
    ]);
    const targets = new Map(edges.map((edge) => [edge.referenceIndex, edge.toDocumentId]));
    return references.map((reference) => ({ ...reference, targetId: targets.get(reference.index) ?? null }));
  }

  documents(batchId: string): Promise<DocumentJob[]> {
    return this.#prisma.documentJob.findMany({ where: { batchId }, orderBy: [{ createdAt: "asc" }, { filename: "asc" }] });
  }

  documentsById(ids: readonly string[]): Promise<DocumentJob[]> {
    return this.#prisma.documentJob.findMany({ where: { id: { in: [...ids] } } });
  }

  edges(batchId: string): Promise<CitationEdge[]> {
    return this.#prisma.citationEdge.findMany({ where: { batchId }, orderBy: [{ fromDocumentId: "asc" }, { referenceIndex: "asc" }] });
  }

  batchReferences(batchId: string): Promise<PaperReference[]> {
    return this.#prisma.paperReference.findMany({ where: { batchId }, orderBy: [{ documentId: "asc" }, { index: "asc" }] });
  }

  referenceCount(batchId: string): Promise<number> {
    return this.#prisma.paperReference.count({ where: { batchId } });
  }

  batchMetadata(batchId: string): Promise<PaperMetadata[]> {
    return this.#prisma.paperMetadata.findMany({ where: { batchId } });
  }

  mentions(batchId: string): Promise<EntityMention[]> {
    return this.#prisma.entityMention.findMany({ where: { batchId }, orderBy: [{ documentId: "asc" }, { page: "asc" }, { text: "asc" }] });
  }

  /** Tokens and cost of every model call made for the batch (its documents, and the batch itself). */
  async usage(batchId: string): Promise<{ calls: number; inputTokens: number; outputTokens: number; costUsd: number }> {
    const rows = await this.#prisma.$queryRaw<{ calls: bigint; input: bigint | null; output: bigint | null; cost: number | null }[]>`
      SELECT count(*) AS calls, sum(input_tokens) AS input, sum(output_tokens) AS output, sum(cost_usd) AS cost
        FROM provider_calls
       WHERE subject_id = ${batchId} OR subject_id IN (SELECT id::text FROM document_jobs WHERE batch_id = ${batchId}::uuid)`;
    const row = rows[0];
    return { calls: Number(row?.calls ?? 0), inputTokens: Number(row?.input ?? 0), outputTokens: Number(row?.output ?? 0), costUsd: row?.cost ?? 0 };
  }

  /** Every embedded chunk of the batch's documents, in document order. */
  chunkVectors(batchId: string): Promise<{ documentId: string; text: string; embedding: number[] }[]> {
    return this.#prisma.chunk.findMany({
      where: { document: { batchId }, NOT: { embedding: { isEmpty: true } } },
      select: { documentId: true, text: true, embedding: true },
      // By filename, not the random document id: k-means++ depends on the order of its points.
      orderBy: [{ document: { filename: "asc" } }, { documentId: "asc" }, { index: "asc" }],
    });
  }

  /** Who a batch belongs to and the stages it asked for, or null once the batch is gone. */
  batchPlan(batchId: string): Promise<{ userId: string; stages: Stage[] } | null> {
    return this.#prisma.batchJob.findUnique({ where: { id: batchId }, select: { userId: true, stages: true } });
  }
}
