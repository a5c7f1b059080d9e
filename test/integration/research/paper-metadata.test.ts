/**
 * Paper metadata and references through the API on three real papers (the cryptocurrency
 * white papers: PPCoin cites Bitcoin, Primecoin cites both), running only the stages
 * CITATIONS needs. Skipped when ../shared/corpus/papers is absent.
 */
import { MultiGraph } from "graphology";
import { parse as parseGraphml } from "graphology-graphml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import type { BatchView } from "../../helpers/batch-client.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";
import { havePapers, papersDir, runPapers } from "./research-support.ts";

if (!havePapers) console.warn(`[research/paper-metadata] skipped: corpus not found at ${papersDir}`);

const DOCUMENT_QUERY = `query ($id: ID!) { document(id: $id) {
  filename metadata { title authors year doi arxivId venue }
  references { index raw title authors year doi target { id filename } } } }`;

const NETWORK_QUERY = `query ($id: ID!) { citationNetwork(batchId: $id) {
  nodes { document { filename } inDegree outDegree pageRank }
  edges { source { filename } target { filename } reference { raw } confidence matchedBy }
  metrics { documentCount linkCount componentCount largestComponentSize coCitations { first { filename } second { filename } count } } } }`;

interface NetworkView {
  nodes: { document: { filename: string }; inDegree: number; outDegree: number; pageRank: number }[];
  edges: { source: { filename: string }; target: { filename: string } | null; reference: { raw: string }; confidence: number }[];
  metrics: {
    documentCount: number;
    linkCount: number;
    componentCount: number;
    largestComponentSize: number;
    coCitations: { first: { filename: string }; second: { filename: string }; count: number }[];
  };
}

interface DocumentView {
  filename: string;
  metadata: { title: string | null; authors: string[]; year: number | null } | null;
  references: { index: number; raw: string; title: string | null; year: number | null; target: { id: string; filename: string } | null }[];
}

describe.skipIf(!havePapers)("paper metadata and references", () => {
  let testApp: TestApp;
  let owner: TestUserWithKey;
  let stranger: TestUserWithKey;
  let batch: BatchView;

  beforeAll(async () => {
    testApp = await startTestApp({ listen: true, env: { QUIRE_RENDER_WORKERS: "2" } });
    owner = await createTestUserWithKey(testApp.app.services().db.prisma);
    stranger = await createTestUserWithKey(testApp.app.services().db.prisma);
    batch = await runPapers(testApp, owner.headers, ["cc-bitcoin-2008.pdf", "cc-ppcoin-2012.pdf", "cc-primecoin-2013.pdf"]);
  }, 300_000);
  afterAll(async () => {
    await testApp?.close();
  });

  const read = async (filename: string, headers = owner.headers) => {
    const id = batch.documents.find((document) => document.filename === filename)!.id;
    const result = await testApp.graphql<{ document: DocumentView | null }>(DOCUMENT_QUERY, { id }, headers);
    expect(result.errors).toBeUndefined();
    return result.data!.document;
  };

  it("reads each paper's title, authors and year from its first page", async () => {
    expect(batch.status).toBe("COMPLETED");
    const ppcoin = (await read("cc-ppcoin-2012.pdf"))!;
    expect(ppcoin.metadata).toMatchObject({
      title: "PPCoin: Peer-to-Peer Crypto-Currency with Proof-of-Stake",
      authors: ["Sunny King", "Scott Nadal"],
      year: 2012,
    });
    expect((await read("cc-bitcoin-2008.pdf"))!.metadata).toMatchObject({ authors: ["Satoshi Nakamoto"] });
  });

  it("lists the bibliography in order and links entries to the papers of the batch", async () => {
    const bitcoin = await read("cc-bitcoin-2008.pdf");
    expect(bitcoin!.references.map((reference) => reference.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(bitcoin!.references.every((reference) => reference.target === null)).toBe(true);
    const primecoin = (await read("cc-primecoin-2013.pdf"))!;
    const targets = primecoin.references.flatMap((reference) => (reference.target ? [reference.target.filename] : [])).sort();
    expect(targets).toEqual(["cc-bitcoin-2008.pdf", "cc-ppcoin-2012.pdf"]);
    const linked = primecoin.references.find((reference) => reference.target?.filename === "cc-bitcoin-2008.pdf")!;
    expect(linked.raw).toMatch(/Bitcoin/);
  });

  it("builds the citation network with degrees, PageRank, components and co-citation", async () => {
    const result = await testApp.graphql<{ citationNetwork: NetworkView }>(NETWORK_QUERY, { id: batch.id }, owner.headers);
    expect(result.errors).toBeUndefined();
    const network = result.data!.citationNetwork;
    const node = (name: string) => network.nodes.find((candidate) => candidate.document.filename === name)!;
    expect(node("cc-bitcoin-2008.pdf")).toMatchObject({ inDegree: 2, outDegree: 0 });
    expect(node("cc-primecoin-2013.pdf")).toMatchObject({ inDegree: 0, outDegree: 2 });
    expect(node("cc-bitcoin-2008.pdf").pageRank).toBeGreaterThan(node("cc-ppcoin-2012.pdf").pageRank);
    expect(node("cc-ppcoin-2012.pdf").pageRank).toBeGreaterThan(node("cc-primecoin-2013.pdf").pageRank);
    expect(network.edges.map((edge) => `${edge.source.filename}->${edge.target?.filename}`).sort()).toEqual([
      "cc-ppcoin-2012.pdf->cc-bitcoin-2008.pdf",
      "cc-primecoin-2013.pdf->cc-bitcoin-2008.pdf",
      "cc-primecoin-2013.pdf->cc-ppcoin-2012.pdf",
    ]);
    expect(network.edges.every((edge) => edge.reference.raw.length > 0 && edge.confidence > 0.6)).toBe(true);
    expect(network.metrics).toMatchObject({ documentCount: 3, linkCount: 3, componentCount: 1, largestComponentSize: 3 });
    expect(network.metrics.coCitations.map((pair) => [...[pair.first.filename, pair.second.filename].sort(), pair.count].join(" "))).toEqual([
      "cc-bitcoin-2008.pdf cc-ppcoin-2012.pdf 1",
    ]);
  });

  const download = (format: string, headers: Record<string, string>) => {
    const { host, port } = testApp.app.address()!;
    return fetch(`http://${host}:${port}/batches/${batch.id}/graph.${format}`, { headers });
  };

  it("exports the network with entity co-occurrence as GraphML a GraphML reader parses, and as JSON", async () => {
    const response = await download("graphml", owner.headers);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/graphml/);
    const graph = parseGraphml(MultiGraph, await response.text());
    const documents = graph.filterNodes((_node, attributes) => attributes.type === "document");
    expect(documents).toHaveLength(3);
    const cites = graph.filterEdges((_edge, attributes) => attributes.type === "cites");
    expect(cites.map((edge) => `${graph.getNodeAttribute(graph.source(edge), "filename")}->${graph.getNodeAttribute(graph.target(edge), "filename")}`).sort()).toEqual([
      "cc-ppcoin-2012.pdf->cc-bitcoin-2008.pdf",
      "cc-primecoin-2013.pdf->cc-bitcoin-2008.pdf",
      "cc-primecoin-2013.pdf->cc-ppcoin-2012.pdf",
    ]);
    expect(graph.getNodeAttribute(documents.find((id) => graph.getNodeAttribute(id, "filename") === "cc-bitcoin-2008.pdf")!, "pageRank")).toBeGreaterThan(0.4);
    // PPCoin and Primecoin name Bitcoin in their text (the Bitcoin paper only in its title).
    const bitcoin = graph.findNode((_node, attributes) => attributes.type === "entity" && attributes.label === "Bitcoin")!;
    const naming = graph.inNeighbors(bitcoin).filter((node) => graph.getNodeAttribute(node, "type") === "document");
    expect(naming.map((node) => graph.getNodeAttribute(node, "filename") as string).sort()).toEqual(["cc-ppcoin-2012.pdf", "cc-primecoin-2013.pdf"]);
    const coOccurs = graph.filterEdges((_edge, attributes) => attributes.type === "co-occurs");
    expect(coOccurs.length).toBeGreaterThan(0);
    expect(coOccurs.every((edge) => (graph.getEdgeAttribute(edge, "weight") as number) >= 1)).toBe(true);

    const json = (await (await download("json", owner.headers)).json()) as { nodes: { key: string }[]; edges: unknown[] };
    expect(json.nodes.length).toBe(graph.order);
    expect(json.edges.length).toBe(graph.size);
  });

  it("shows another user nothing", async () => {
    for (const format of ["graphml", "json"]) {
      expect((await download(format, stranger.headers)).status).toBe(404);
      expect((await download(format, {})).status).toBe(401);
    }
    expect(await read("cc-primecoin-2013.pdf", stranger.headers)).toBeNull();
    const network = await testApp.graphql(NETWORK_QUERY, { id: batch.id }, stranger.headers);
    expect(network.data).toBeNull();
    expect(network.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });
});
