/**
 * The shared papers end to end through the API, as ONE batch that runs what CITATIONS and
 * EMBED need: citation links, reference counts, entities and topics read back through GraphQL
 * and scored against papers.tsv and bench/research-quality/papers-research-truth.json, with
 * the issue's quality bar. Another user's key sees none of it. Skipped when ../shared is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  citationScores,
  entityScores,
  readPaperRows,
  readResearchTruth,
  referenceCountScore,
  topicScores,
  type ScoredCluster,
} from "../../../bench/research-quality/research-scores.ts";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import type { BatchView } from "../../helpers/batch-client.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";
import { havePapers, papersDir, runPapers } from "./research-support.ts";

if (!havePapers) console.warn(`[research/research-papers] skipped: corpus not found at ${papersDir}`);

const REFERENCE_COUNTS = `query ($id: ID!) { batch(id: $id) { documents { filename references { index } } } }`;
const NETWORK = `query ($id: ID!) { citationNetwork(batchId: $id) {
  edges { source { filename } target { filename } matchedBy }
  nodes { document { filename } inDegree pageRank }
  metrics { componentCount bibliographicCoupling { count } } } }`;
// Each name of the truth file looked up on its own: most named entities are small clusters far
// beyond the largest 50 that a plain entityClusters query returns.
const ENTITY = `query ($id: ID!, $name: String!) { entityClusters(batchId: $id, name: $name) { id name aliases documents { filename } } }`;
const TOPICS = `query ($id: ID!) { topicClusters(batchId: $id) { label keywords documents { filename } } }`;
const REPORT = `query ($id: ID!) { batchReport(batchId: $id) {
  documentCount completedCount failedCount pageCount referenceCount citationLinkCount inputTokens outputTokens costUsd
  topEntities { name } mostCited { document { filename } inDegree } topics { label } failures { code count } } }`;
const LEAN = [
  `query ($id: ID!) { citationNetwork(batchId: $id) { metrics { linkCount } } }`,
  `query ($id: ID!) { entityClusters(batchId: $id) { name } }`,
  `query ($id: ID!) { topicClusters(batchId: $id) { label } }`,
  `query ($id: ID!) { batchReport(batchId: $id) { documentCount } }`,
];

const paper = (filename: string) => filename.replace(/\.pdf$/, "");

describe.skipIf(!havePapers)("research results of the shared papers through the API", () => {
  let testApp: TestApp;
  let owner: TestUserWithKey;
  let stranger: TestUserWithKey;
  let batch: BatchView;
  const rows = havePapers ? readPaperRows(papersDir) : [];
  const truth = readResearchTruth();

  const query = async <T>(text: string, headers = owner.headers): Promise<T> => {
    const result = await testApp.graphql<T>(text, { id: batch.id }, headers);
    expect(result.errors).toBeUndefined();
    return result.data!;
  };

  beforeAll(async () => {
    testApp = await startTestApp({ env: { QUIRE_RENDER_WORKERS: "2", QUIRE_MAX_FILES: "50", QUIRE_WORKER_DEAD_AFTER_MS: "600000" } });
    owner = await createTestUserWithKey(testApp.app.services().db.prisma);
    stranger = await createTestUserWithKey(testApp.app.services().db.prisma);
    batch = await runPapers(testApp, owner.headers, rows.map((row) => row.file), { stages: ["EMBED", "CITATIONS"], timeoutMs: 900_000 });
    // What the research work cost the batch: CITATIONS' share of the stages' time (printed, not asserted).
    const stages = await testApp.app.services().db.prisma.checkpoint.findMany({ where: { document: { batchId: batch.id } }, select: { stage: true, durationMs: true } });
    const total = stages.reduce((sum, stage) => sum + (stage.durationMs ?? 0), 0);
    const citations = stages.filter((stage) => stage.stage === "CITATIONS").reduce((sum, stage) => sum + (stage.durationMs ?? 0), 0);
    console.log(`research: CITATIONS took ${citations} ms of ${total} ms of stage time (${((citations / total) * 100).toFixed(1)} %)`);
  }, 960_000);
  afterAll(async () => {
    await testApp?.close();
  });

  it("links within-batch citations with precision >= 0.98 and recall >= 0.96", async () => {
    expect(batch.status).toBe("COMPLETED");
    const { citationNetwork } = await query<{ citationNetwork: { edges: { source: { filename: string }; target: { filename: string } | null }[] } }>(NETWORK);
    const scores = citationScores(rows, citationNetwork.edges.map((edge) => ({ from: paper(edge.source.filename), to: paper(edge.target!.filename) })));
    console.log(`citations: precision ${scores.precision.toFixed(3)}, recall ${scores.recall.toFixed(3)}; missing ${scores.missing.join(", ") || "none"}; wrong ${scores.wrong.join(", ") || "none"}`);
    expect(scores.precision).toBeGreaterThanOrEqual(0.98);
    expect(scores.recall).toBeGreaterThanOrEqual(0.96);
  });

  it("finds the number of references within 10 % on at least 92 % of the papers", async () => {
    const data = await query<{ batch: { documents: { filename: string; references: { index: number }[] }[] } }>(REFERENCE_COUNTS);
    const score = referenceCountScore(rows, new Map(data.batch.documents.map((document) => [paper(document.filename), document.references.length])));
    console.log(`reference counts within 10 %: ${(score.within10 * 100).toFixed(1)} %; off: ${score.off.join(", ") || "none"}`);
    expect(score.within10).toBeGreaterThanOrEqual(0.92);
  });

  it("finds the entities each paper names, joins the truth's aliases and keeps its different entities apart", async () => {
    const names = new Set([...Object.values(truth.entities).flat(2), ...truth.sameEntity.flat(), ...truth.differentEntities.flat()]);
    const clusters = new Map<string, ScoredCluster>();
    for (const name of names) {
      const result = await testApp.graphql<{ entityClusters: { id: string; name: string; aliases: string[]; documents: { filename: string }[] }[] }>(
        ENTITY,
        { id: batch.id, name },
        owner.headers,
      );
      expect(result.errors).toBeUndefined();
      expect(result.data!.entityClusters.length, name).toBeLessThanOrEqual(1);
      for (const cluster of result.data!.entityClusters) {
        clusters.set(cluster.id, { name: cluster.name, aliases: cluster.aliases, papers: cluster.documents.map((document) => paper(document.filename)) });
      }
    }
    const scores = entityScores(truth, [...clusters.values()]);
    console.log(
      `entities: recall ${scores.recall.toFixed(3)} (missing ${scores.missing.join(", ") || "none"}); same pairs joined ${scores.sameAccuracy.toFixed(2)}; different pairs apart ${scores.differentAccuracy.toFixed(2)}`,
    );
    expect(scores.recall).toBeGreaterThanOrEqual(0.9);
    expect(scores.namesNotFound).toEqual([]);
    expect(scores.sameWrong).toEqual([]);
    expect(scores.differentJoined).toEqual([]);
    expect(scores.differentWrong).toEqual([]);
  });

  it("groups the papers by subject from their embedded chunks' terms", async () => {
    const { topicClusters } = await query<{ topicClusters: { label: string; keywords: string[]; documents: { filename: string }[] }[] }>(TOPICS);
    const scores = topicScores(truth, topicClusters.map((topic) => ({ papers: topic.documents.map((document) => paper(document.filename)) })));
    console.log(`topics: ${topicClusters.map((topic) => `[${topic.label}: ${topic.documents.map((document) => paper(document.filename)).join(" ")}]`).join(" ")}`);
    console.log(`topics: ${scores.clusters} clusters, pair precision ${scores.pairPrecision.toFixed(3)}, pair recall ${scores.pairRecall.toFixed(3)}`);
    expect(scores.covered).toBe(1);
    // The issue's goal (measured 0.944 and 0.895 on 2026-11-29).
    expect(scores.pairPrecision).toBeGreaterThanOrEqual(0.8);
    expect(scores.pairRecall).toBeGreaterThanOrEqual(0.5);
    expect(topicClusters.every((topic) => topic.keywords.length > 0 && topic.label.length > 0)).toBe(true);
  });

  it("aggregates the batch in batchReport", async () => {
    const { batchReport } = await query<{
      batchReport: { documentCount: number; completedCount: number; pageCount: number; referenceCount: number; citationLinkCount: number; mostCited: { document: { filename: string }; inDegree: number }[]; topEntities: unknown[]; topics: unknown[]; failures: unknown[]; inputTokens: number; costUsd: number };
    }>(REPORT);
    // Tokens and cost are the provider ledger's for the batch's documents (local embeddings: counted, free).
    const ledger = await testApp.app.services().db.prisma.providerCall.aggregate({
      _sum: { inputTokens: true, outputTokens: true },
      where: { subjectId: { in: batch.documents.map((document) => document.id) } },
    });
    expect(ledger._sum.inputTokens).toBeGreaterThan(0);
    expect(batchReport).toMatchObject({
      documentCount: rows.length,
      completedCount: rows.length,
      failures: [],
      inputTokens: ledger._sum.inputTokens,
      outputTokens: ledger._sum.outputTokens ?? 0,
      costUsd: 0,
    });
    expect(batchReport.pageCount).toBe(batch.documents.reduce((sum, document) => sum + (document.pageCount ?? 0), 0));
    expect(batchReport.citationLinkCount).toBeGreaterThanOrEqual(18);
    expect(batchReport.referenceCount).toBeGreaterThan(800);
    // Banko's Open IE paper and the Literature Graph paper are each cited by three papers of the batch: the most cited.
    expect(batchReport.mostCited.slice(0, 2).map((node) => `${node.document.filename} ${node.inDegree}`).sort()).toEqual([
      "oie-banko-openie-2007.pdf 3",
      "s2-literature-graph-2018.pdf 3",
    ]);
    expect(batchReport.topEntities).toHaveLength(10);
    expect(batchReport.topics.length).toBeGreaterThanOrEqual(2);
  });

  it("shows another user's key nothing", async () => {
    for (const text of LEAN) {
      const result = await testApp.graphql(text, { id: batch.id }, stranger.headers);
      expect(result.data).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    }
  });
});
