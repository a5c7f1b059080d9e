import type { BatchService } from "../batches/batch-service.ts";
import type { DocumentJob, PaperMetadata } from "../generated/prisma/client.ts";
import { buildCitationNetwork, type CitationNetwork } from "./citation-network.ts";
import type { ReferenceWithTarget, ResearchReadStore } from "./research-read-store.ts";

export interface ResearchServiceDeps {
  store: ResearchReadStore;
  batches: Pick<BatchService, "getBatch">;
}

/**
 * The research results of a batch as users read them: every batch-level read first checks
 * that the batch is the caller's (NOT_FOUND otherwise, exactly like an unknown id).
 * Document-level reads take a document the caller already reached through an owned batch.
 */
export class ResearchService {
  readonly #deps: ResearchServiceDeps;

  constructor(deps: ResearchServiceDeps) {
    this.#deps = deps;
  }

  metadata(document: Pick<DocumentJob, "id">): Promise<PaperMetadata | null> {
    return this.#deps.store.metadata(document.id);
  }

  references(document: Pick<DocumentJob, "id">): Promise<ReferenceWithTarget[]> {
    return this.#deps.store.references(document.id);
  }

  /** Documents by id, limited to the batch of the parent (targets never cross batches). */
  async documents(ids: readonly string[]): Promise<Map<string, DocumentJob>> {
    const rows = await this.#deps.store.documentsById(ids);
    return new Map(rows.map((row) => [row.id, row]));
  }

  async citationNetwork(userId: string, batchId: string): Promise<CitationNetwork> {
    await this.#deps.batches.getBatch(userId, batchId);
    const { store } = this.#deps;
    const [documents, edges, references, metadata] = await Promise.all([
      store.documents(batchId),
      store.edges(batchId),
      store.batchReferences(batchId),
      store.batchMetadata(batchId),
    ]);
    return buildCitationNetwork({ documents, edges, references, metadata });
  }
}
