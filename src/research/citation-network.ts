import { DirectedGraph } from "graphology";
import { connectedComponents } from "graphology-components";
import { pagerank } from "graphology-metrics/centrality/index.js";
import { squash } from "../citations/title-match.ts";
import type { CitationEdge, DocumentJob, PaperMetadata, PaperReference } from "../generated/prisma/client.ts";

/** A reference as the network shows it: the stored entry plus its linked document, if any. */
export type NetworkReference = PaperReference & { targetId: string | null };

export interface CitationNodeView {
  document: DocumentJob;
  inDegree: number;
  outDegree: number;
  pageRank: number;
  /** Index of the node's weakly connected component (largest first). */
  component: number;
}

export interface CitationLinkView {
  source: DocumentJob;
  target: DocumentJob | null;
  reference: NetworkReference;
  confidence: number;
  matchedBy: string;
}

/** A work outside the batch that two or more of its documents cite. */
export interface ExternalWorkView {
  key: string;
  title: string;
  year: number | null;
  doi: string | null;
  citedBy: DocumentJob[];
}

export interface DocumentPairCount {
  first: DocumentJob;
  second: DocumentJob;
  count: number;
}

export interface CitationMetricsView {
  documentCount: number;
  linkCount: number;
  /** Weakly connected components, isolated documents included. */
  componentCount: number;
  largestComponentSize: number;
  /** Pairs of batch documents cited together by the same document, most first. */
  coCitations: DocumentPairCount[];
  /** Pairs of batch documents citing the same works (batch or external), most first. */
  bibliographicCoupling: DocumentPairCount[];
}

export interface CitationNetwork {
  nodes: CitationNodeView[];
  edges: CitationLinkView[];
  externalWorks: ExternalWorkView[];
  metrics: CitationMetricsView;
  /** The graph the metrics were computed on (documents only), for exports. */
  graph: DirectedGraph;
}

export interface NetworkInput {
  documents: DocumentJob[];
  edges: CitationEdge[];
  references: PaperReference[];
  metadata: PaperMetadata[];
}

const MAX_PAIRS = 100;

/** The key that groups one unlinked reference with the same work cited elsewhere. */
export function externalWorkKey(reference: Pick<PaperReference, "doi" | "title">): string | undefined {
  if (reference.doi) return `doi:${reference.doi.toLowerCase()}`;
  const title = reference.title ? squash(reference.title).chars : "";
  // Short titles ("Introduction", "Technical report") would group unrelated works.
  return title.length >= 16 ? `title:${title.slice(0, 48)}` : undefined;
}

function pairCounts(sets: Map<string, Set<string>>, documents: Map<string, DocumentJob>): DocumentPairCount[] {
  const ids = [...sets.keys()].sort();
  const pairs: DocumentPairCount[] = [];
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      const a = sets.get(ids[i]!)!;
      const b = sets.get(ids[j]!)!;
      let count = 0;
      for (const item of a) if (b.has(item)) count++;
      if (count > 0) pairs.push({ first: documents.get(ids[i]!)!, second: documents.get(ids[j]!)!, count });
    }
  }
  return pairs.sort((x, y) => y.count - x.count || x.first.filename.localeCompare(y.first.filename)).slice(0, MAX_PAIRS);
}

/**
 * The batch's citation network with graphology: one node per document, one graph edge per
 * citing/cited pair (several references to the same paper count once), PageRank and degrees
 * from graphology-metrics, weakly connected components from graphology-components. Co-citation
 * and bibliographic coupling count shared cited documents and shared references (batch
 * documents and external works grouped by DOI or title).
 */
export function buildCitationNetwork(input: NetworkInput): CitationNetwork {
  const documents = new Map(input.documents.map((document) => [document.id, document]));
  const graph = new DirectedGraph();
  for (const document of input.documents) graph.addNode(document.id, { label: document.title ?? document.filename, filename: document.filename });
  const linked = new Map<string, string>();
  for (const edge of input.edges) {
    if (!documents.has(edge.fromDocumentId) || !documents.has(edge.toDocumentId)) continue;
    linked.set(`${edge.fromDocumentId}:${edge.referenceIndex}`, edge.toDocumentId);
    graph.mergeEdge(edge.fromDocumentId, edge.toDocumentId);
  }
  const ranks = graph.order > 0 ? pagerank(graph, { getEdgeWeight: null }) : {};
  const components = connectedComponents(graph).sort((a, b) => b.length - a.length);
  const componentOf = new Map<string, number>();
  components.forEach((members, index) => members.forEach((id) => componentOf.set(id, index)));

  const referenceByKey = new Map(input.references.map((reference) => [`${reference.documentId}:${reference.index}`, reference]));
  const edges: CitationLinkView[] = [];
  for (const edge of input.edges) {
    const source = documents.get(edge.fromDocumentId);
    const reference = referenceByKey.get(`${edge.fromDocumentId}:${edge.referenceIndex}`);
    if (!source || !reference) continue;
    edges.push({
      source,
      target: documents.get(edge.toDocumentId) ?? null,
      reference: { ...reference, targetId: edge.toDocumentId },
      confidence: edge.confidence,
      matchedBy: edge.matchedBy,
    });
  }

  // Works outside the batch, and each document's set of cited works for coupling.
  const works = new Map<string, { references: PaperReference[]; citedBy: Set<string> }>();
  const citedWorks = new Map<string, Set<string>>(input.documents.map((document) => [document.id, new Set<string>()]));
  for (const reference of input.references) {
    const target = linked.get(`${reference.documentId}:${reference.index}`);
    const key = target ? `document:${target}` : externalWorkKey(reference);
    if (!key) continue;
    citedWorks.get(reference.documentId)?.add(key);
    if (target) continue;
    const work = works.get(key) ?? { references: [], citedBy: new Set<string>() };
    work.references.push(reference);
    work.citedBy.add(reference.documentId);
    works.set(key, work);
  }
  const externalWorks: ExternalWorkView[] = [...works]
    .filter(([, work]) => work.citedBy.size >= 2)
    .map(([key, work]) => {
      const years = work.references.map((reference) => reference.year).filter((year): year is number => year !== null);
      const first = work.references.find((reference) => reference.title) ?? work.references[0]!;
      return {
        key,
        title: first.title ?? first.raw,
        year: years.length ? mostCommon(years) : null,
        doi: work.references.find((reference) => reference.doi)?.doi ?? null,
        citedBy: [...work.citedBy].map((id) => documents.get(id)).filter((document): document is DocumentJob => Boolean(document)),
      };
    })
    .sort((a, b) => b.citedBy.length - a.citedBy.length || a.title.localeCompare(b.title));

  const citedBy = new Map<string, Set<string>>();
  graph.forEachNode((node) => {
    const cited = graph.outNeighbors(node);
    if (cited.length >= 2) citedBy.set(node, new Set(cited));
  });
  // Co-citation of a and b = how many documents cite both: pairs over each citer's cited set.
  const coCitedCounts = new Map<string, number>();
  for (const cited of citedBy.values()) {
    const list = [...cited].sort();
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const key = `${list[i]}|${list[j]}`;
        coCitedCounts.set(key, (coCitedCounts.get(key) ?? 0) + 1);
      }
    }
  }
  const coCitations = [...coCitedCounts]
    .map(([key, count]) => {
      const [a, b] = key.split("|") as [string, string];
      return { first: documents.get(a)!, second: documents.get(b)!, count };
    })
    .sort((x, y) => y.count - x.count || x.first.filename.localeCompare(y.first.filename))
    .slice(0, MAX_PAIRS);

  return {
    graph,
    nodes: input.documents.map((document) => ({
      document,
      inDegree: graph.inDegree(document.id),
      outDegree: graph.outDegree(document.id),
      pageRank: ranks[document.id] ?? 0,
      component: componentOf.get(document.id) ?? 0,
    })),
    edges,
    externalWorks,
    metrics: {
      documentCount: graph.order,
      linkCount: graph.size,
      componentCount: components.length,
      largestComponentSize: components[0]?.length ?? 0,
      coCitations,
      bibliographicCoupling: pairCounts(citedWorks, documents),
    },
  };
}

function mostCommon(values: number[]): number {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
}
