import type { BatchService } from "../batches/batch-service.ts";
import type { DocumentJob, PaperMetadata } from "../generated/prisma/client.ts";
import { buildCitationNetwork, type CitationNetwork, type CitationNodeView } from "./citation-network.ts";
import { InvalidInputError } from "../errors/domain-errors.ts";
import { entityKey, type EntityClusterView } from "./entity-clustering.ts";
import type { EntityKind } from "./entity-kinds.ts";
import { buildExportGraph, toGraphJson, toGraphml } from "./graph-export.ts";
import type { ReferenceWithTarget, ResearchReadStore } from "./research-read-store.ts";
import type { ResearchResults } from "./research-results.ts";
import type { TopicClusterView } from "./topic-clustering.ts";

export interface ResearchServiceDeps {
  store: ResearchReadStore;
  /** Entity clusters and topics, stored as documents finish (the worker) or on a stale read. */
  computed: ResearchResults;
  batches: Pick<BatchService, "getBatch">;
}

/** The aggregate of one batch's research results. */
export interface BatchReportView {
  documentCount: number;
  completedCount: number;
  failedCount: number;
  pageCount: number;
  referenceCount: number;
  citationLinkCount: number;
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  topEntities: EntityClusterView[];
  mostCited: CitationNodeView[];
  topics: TopicClusterView[];
  failures: { code: string; count: number }[];
}

const REPORT_TOP = 10;

/**
 * The research results of a batch as users read them: every batch-level read first checks
 * that the batch is the caller's (NOT_FOUND otherwise, exactly like an unknown id).
 * Document-level reads take a document the caller already reached through an owned batch.
 * Per-document results (metadata, references, mentions, edges) are written by the CITATIONS
 * stage as each document finishes. Entity clusters and topics are computed from them by the
 * worker as documents finish and when the batch settles, and stored (ResearchResults): reads
 * serve the stored result, and compute it themselves only if it is stale. The citation
 * network is read from its stored edges (graphology metrics over a few hundred nodes are cheap).
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

  /** Documents by id (callers pass ids taken from rows of a batch they were allowed to read). */
  async documents(ids: readonly string[]): Promise<Map<string, DocumentJob>> {
    const rows = await this.#deps.store.documentsById(ids);
    return new Map(rows.map((row) => [row.id, row]));
  }

  async citationNetwork(userId: string, batchId: string): Promise<CitationNetwork> {
    await this.#deps.batches.getBatch(userId, batchId);
    return this.#network(batchId);
  }

  async #network(batchId: string): Promise<CitationNetwork> {
    const { store } = this.#deps;
    const [documents, edges, references, metadata] = await Promise.all([
      store.documents(batchId),
      store.edges(batchId),
      store.batchReferences(batchId),
      store.batchMetadata(batchId),
    ]);
    return buildCitationNetwork({ documents, edges, references, metadata });
  }

  /** Entity clusters, largest first; with a model configured, it settles the ambiguous pairs. */
  async entityClusters(userId: string, batchId: string, options: { first?: number; kind?: EntityKind; name?: string } = {}): Promise<EntityClusterView[]> {
    const key = options.name === undefined ? undefined : entityKey(options.name);
    if (key !== undefined && (key.length === 0 || options.name!.length > 200)) {
      throw new InvalidInputError("name must hold a letter or digit and at most 200 characters.", { field: "name" });
    }
    await this.#deps.batches.getBatch(userId, batchId);
    const clusters = await this.#entities(userId, batchId);
    const first = Math.min(500, Math.max(0, options.first ?? 50));
    return clusters
      .filter((cluster) => !options.kind || cluster.kind === options.kind)
      .filter((cluster) => key === undefined || [cluster.name, ...cluster.aliases].some((form) => entityKey(form) === key))
      .slice(0, first);
  }

  #entities(userId: string, batchId: string): Promise<EntityClusterView[]> {
    return this.#deps.computed.entities(batchId, userId);
  }

  async topicClusters(userId: string, batchId: string): Promise<TopicClusterView[]> {
    await this.#deps.batches.getBatch(userId, batchId);
    return this.#topics(batchId);
  }

  #topics(batchId: string): Promise<TopicClusterView[]> {
    return this.#deps.computed.topics(batchId);
  }

  /** The citation network with entity co-occurrence as GraphML or graphology JSON. */
  async exportGraph(userId: string, batchId: string, format: "graphml" | "json"): Promise<string> {
    await this.#deps.batches.getBatch(userId, batchId);
    const [network, entities] = await Promise.all([this.#network(batchId), this.#entities(userId, batchId)]);
    const graph = buildExportGraph(network, entities);
    return format === "graphml" ? toGraphml(graph) : toGraphJson(graph);
  }

  async batchReport(userId: string, batchId: string): Promise<BatchReportView> {
    await this.#deps.batches.getBatch(userId, batchId);
    const [network, entities, topics, usage] = await Promise.all([
      this.#network(batchId),
      this.#entities(userId, batchId),
      this.#topics(batchId),
      this.#deps.store.usage(batchId),
    ]);
    const documents = network.nodes.map((node) => node.document);
    const failures = new Map<string, number>();
    for (const document of documents) {
      if (document.status === "FAILED") failures.set(document.errorCode ?? "UNKNOWN", (failures.get(document.errorCode ?? "UNKNOWN") ?? 0) + 1);
    }
    const referenceCount = await this.#deps.store.referenceCount(batchId);
    return {
      documentCount: documents.length,
      completedCount: documents.filter((document) => document.status === "COMPLETED").length,
      failedCount: documents.filter((document) => document.status === "FAILED").length,
      pageCount: documents.reduce((sum, document) => sum + (document.pageCount ?? 0), 0),
      referenceCount,
      citationLinkCount: network.edges.length,
      modelCalls: usage.calls,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      costUsd: usage.costUsd,
      topEntities: entities.slice(0, REPORT_TOP),
      mostCited: [...network.nodes]
        .filter((node) => node.inDegree > 0)
        .sort((a, b) => b.inDegree - a.inDegree || b.pageRank - a.pageRank)
        .slice(0, REPORT_TOP),
      topics,
      failures: [...failures].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    };
  }
}
