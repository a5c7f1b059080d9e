import type { ModelGateway } from "../providers/provider-types.ts";
import type { TextWork } from "../text-work/text-work-pool.ts";
import { ambiguousPairs, type EntityClusterView, type MentionRow } from "./entity-clustering.ts";
import { resolveAmbiguousPairs } from "./entity-model-resolver.ts";
import type { ResearchReadStore } from "./research-read-store.ts";
import type { ResearchResultKind, ResearchResultStore } from "./research-result-store.ts";
import { LOCAL_EMBEDDING_MODEL } from "../providers/local-adapter.ts";
import type { TopicClusterView, TopicDocument, TopicRepresentation } from "./topic-clustering.ts";

export interface ResearchResultsDeps {
  store: ResearchReadStore;
  results: ResearchResultStore;
  gateway: ModelGateway;
  /** The clustering runs here (the text pool in the app), off the event loop. */
  textWork: TextWork;
}

interface ComputeOptions {
  signal?: AbortSignal;
  /** Called when the stored result is stale and is about to be computed. */
  onCompute?: () => void;
}

/**
 * A batch's entity clusters and topics, computed from its finished documents and stored with
 * the fingerprint of what they were computed from. The worker refreshes them as documents
 * finish and when the batch settles (research-refresh-job.ts); a read that finds the stored row
 * stale (a refresh still queued, or one that failed) computes and stores them itself.
 */
export class ResearchResults {
  readonly #deps: ResearchResultsDeps;

  constructor(deps: ResearchResultsDeps) {
    this.#deps = deps;
  }

  /**
   * Both results up to date with the batch's finished documents; true when either was
   * computed. `signal` (the worker shutting down) stops the clustering on the text pool.
   */
  async refresh(batchId: string, userId: string, signal?: AbortSignal): Promise<boolean> {
    let computed = false;
    await this.entities(batchId, userId, { signal, onCompute: () => (computed = true) });
    await this.topics(batchId, { signal, onCompute: () => (computed = true) });
    return computed;
  }

  /** `userId` is who the model calls that settle ambiguous pairs are billed to. */
  entities(batchId: string, userId: string, { signal, onCompute }: ComputeOptions = {}): Promise<EntityClusterView[]> {
    // The model that settles ambiguous pairs is part of what the clusters depend on.
    const { provider, model } = this.#deps.gateway.defaults();
    return this.#stored(batchId, "entities", "CITATIONS", `${provider}/${model}`, onCompute, async () => {
      const mentions: MentionRow[] = (await this.#deps.store.mentions(batchId)).map(({ documentId, page, text, acronym, kind, count }) => ({ documentId, page, text, acronym, kind, count }));
      const decisions = await resolveAmbiguousPairs(this.#deps.gateway, ambiguousPairs(mentions), { userId, subjectId: batchId });
      return this.#deps.textWork.run("clusterEntities", [batchId, mentions, decisions], { signal });
    });
  }

  topics(batchId: string, { signal, onCompute }: ComputeOptions = {}): Promise<TopicClusterView[]> {
    const { embeddingModel } = this.#deps.gateway.defaults();
    const representation: TopicRepresentation = embeddingModel === LOCAL_EMBEDDING_MODEL ? "terms" : "embeddings";
    return this.#stored(batchId, "topics", "EMBED", `${representation}/${embeddingModel}`, onCompute, async () => {
      const chunks = await this.#deps.store.chunkVectors(batchId);
      const byDocument = new Map<string, { vectors: number[][]; texts: string[] }>();
      for (const chunk of chunks) {
        const entry = byDocument.get(chunk.documentId) ?? { vectors: [], texts: [] };
        entry.vectors.push(chunk.embedding);
        entry.texts.push(chunk.text);
        byDocument.set(chunk.documentId, entry);
      }
      const documents: TopicDocument[] = [...byDocument].map(([documentId, entry]) => ({ documentId, vectors: entry.vectors, text: entry.texts.join("\n") }));
      return this.#deps.textWork.run("clusterTopics", [documents, representation], { signal });
    });
  }

  /** The stored result while its documents are unchanged; computed and stored otherwise. */
  async #stored<T>(batchId: string, kind: ResearchResultKind, stage: "CITATIONS" | "EMBED", depends: string, onCompute: (() => void) | undefined, compute: () => Promise<T>): Promise<T> {
    const { results } = this.#deps;
    // Read before the inputs (see ResearchResultStore).
    const fingerprint = `${await results.fingerprint(batchId, stage)}|${depends}`;
    const stored = await results.read<T>(batchId, kind, fingerprint);
    if (stored !== undefined) return stored;
    onCompute?.();
    const started = performance.now();
    const value = await compute();
    await results.write(batchId, kind, fingerprint, value, performance.now() - started);
    return value;
  }
}
