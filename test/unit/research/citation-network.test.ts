import { describe, expect, it } from "vitest";
import type { CitationEdge, DocumentJob, PaperReference } from "../../../src/generated/prisma/client.ts";
import { buildCitationNetwork } from "../../../src/research/citation-network.ts";
import { buildExportGraph, toGraphml } from "../../../src/research/graph-export.ts";
import { clusterTopics, silhouette } from "../../../src/research/topic-clustering.ts";

const document = (id: string) => ({ id, filename: `${id}.pdf`, title: id.toUpperCase(), batchId: "b" }) as DocumentJob;
const reference = (documentId: string, index: number, title: string, doi: string | null = null) =>
  ({ documentId, batchId: "b", index, raw: title, title, authors: [], year: 2001, doi, arxivId: null, venue: null }) as PaperReference;
const edge = (from: string, to: string, referenceIndex: number) =>
  ({ id: `${from}${to}`, batchId: "b", fromDocumentId: from, toDocumentId: to, referenceIndex, confidence: 0.9, matchedBy: "title" }) as CitationEdge;

// a and b both cite c and the same external survey; d cites nothing and nobody cites it.
const input = {
  documents: ["a", "b", "c", "d"].map(document),
  references: [
    reference("a", 0, "Paper C about things"),
    reference("a", 1, "A survey of distributed hash tables", "10.1/dht"),
    reference("b", 0, "Paper C about things"),
    reference("b", 1, "A Survey of Distributed Hash Tables.", "10.1/DHT"),
    reference("b", 2, "Paper A on stuff"),
    reference("c", 0, "An unrelated work cited once only"),
  ],
  edges: [edge("a", "c", 0), edge("b", "c", 0), edge("b", "a", 2)],
  metadata: [],
};

describe("citation network", () => {
  const network = buildCitationNetwork(input);
  const node = (id: string) => network.nodes.find((candidate) => candidate.document.id === id)!;

  it("computes degrees, PageRank and weakly connected components", () => {
    expect([node("a"), node("b"), node("c"), node("d")].map((n) => [n.inDegree, n.outDegree])).toEqual([[1, 1], [0, 2], [2, 0], [0, 0]]);
    expect(node("c").pageRank).toBeGreaterThan(node("a").pageRank);
    expect(node("a").pageRank).toBeGreaterThan(node("b").pageRank);
    expect(network.metrics).toMatchObject({ documentCount: 4, linkCount: 3, componentCount: 2, largestComponentSize: 3 });
    expect(node("d").component).toBe(1);
  });

  it("counts co-citation and bibliographic coupling, and groups external works cited twice", () => {
    expect(network.metrics.coCitations.map((pair) => [pair.first.id, pair.second.id, pair.count])).toEqual([["a", "c", 1]]);
    // a and b share c and the survey (same DOI, different case).
    expect(network.metrics.bibliographicCoupling.map((pair) => [pair.first.id, pair.second.id, pair.count])).toEqual([["a", "b", 2]]);
    expect(network.externalWorks.map((work) => [work.title, work.doi, work.citedBy.map((d) => d.id)])).toEqual([
      ["A survey of distributed hash tables", "10.1/dht", ["a", "b"]],
    ]);
  });

  it("exports GraphML with escaped values and typed keys", () => {
    const graph = buildExportGraph(network, [
      { id: "e1", name: "Chord & <Pastry>", kind: "SYSTEM", aliases: [], confidence: 1, documentIds: ["a", "b"], mentionCount: 3, mentions: [] },
    ]);
    const xml = toGraphml(graph);
    expect(xml).toContain("Chord &amp; &lt;Pastry&gt;");
    expect(xml).toMatch(/<key id="n_pageRank" for="node" attr.name="pageRank" attr.type="double"/);
    expect(graph.filterEdges((_e, attributes) => attributes.type === "mentions")).toHaveLength(2);
  });
});

describe("topic clustering", () => {
  const around = (centre: number[], jitter: number) => centre.map((value, index) => value + (index === 0 ? jitter : 0));
  it("chooses the number of topics from the data and names them by their terms", () => {
    const documents = [
      ...[0.01, 0.02, 0.03].map((j, i) => ({ documentId: `ranking-${i}`, vectors: [around([1, 0, 0, 0], j)], text: "pagerank link ranking web pages pagerank" })),
      ...[0.01, 0.02, 0.03].map((j, i) => ({ documentId: `coin-${i}`, vectors: [around([0, 1, 0, 0], j)], text: "bitcoin block proof coin bitcoin" })),
      ...[0.01, 0.02, 0.03].map((j, i) => ({ documentId: `patient-${i}`, vectors: [around([0, 0, 1, 0], j)], text: "patient hospital care patient staff" })),
    ];
    const topics = clusterTopics(documents);
    expect(topics.map((topic) => topic.documentIds)).toEqual(
      expect.arrayContaining([["coin-0", "coin-1", "coin-2"], ["patient-0", "patient-1", "patient-2"], ["ranking-0", "ranking-1", "ranking-2"]]),
    );
    expect(topics).toHaveLength(3);
    expect(topics.find((topic) => topic.documentIds[0] === "coin-0")!.keywords[0]).toBe("bitcoin");
  });

  it("groups by the terms documents share, not by embeddings that hashing made alike", () => {
    // Every embedding points the same way (as hashed features colliding would make them).
    const same = [[1, 0.5, 0, 0]];
    const documents = [
      ...["retrieval ranking query index", "ranking query index retrieval terms", "query index ranking retrieval score"].map((text, i) => ({ documentId: `ir-${i}`, vectors: same, text })),
      ...["galaxy redshift universe cosmology", "universe cosmology galaxy redshift density", "cosmology galaxy universe redshift matter"].map((text, i) => ({ documentId: `cosmo-${i}`, vectors: same, text })),
    ];
    expect(clusterTopics(documents).map((topic) => topic.documentIds)).toEqual(
      expect.arrayContaining([["cosmo-0", "cosmo-1", "cosmo-2"], ["ir-0", "ir-1", "ir-2"]]),
    );
  });

  it("falls back to the embeddings when no two documents share a term", () => {
    const documents = [
      { documentId: "a", vectors: [[1, 0]], text: "alpha" },
      { documentId: "b", vectors: [[0.99, 0.1]], text: "bravo" },
      { documentId: "c", vectors: [[0, 1]], text: "charlie" },
      { documentId: "d", vectors: [[0.1, 0.99]], text: "delta" },
    ];
    expect(clusterTopics(documents).map((topic) => topic.documentIds)).toEqual(expect.arrayContaining([["a", "b"], ["c", "d"]]));
  });

  it("scores a clean split higher than a mixed one", () => {
    const points = [[1, 0], [0.99, 0.1], [0, 1], [0.1, 0.99]];
    expect(silhouette(points, [0, 0, 1, 1])).toBeGreaterThan(silhouette(points, [0, 1, 0, 1]));
  });
});
