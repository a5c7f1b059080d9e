/**
 * Entity clusters and topics are computed once per set of finished documents and stored:
 * reads serve the stored rows (a marker written into the row comes back through the API), and
 * a retry that runs a document's CITATIONS again makes the next read compute them again.
 * Skipped when ../shared is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../../src/db/prisma-client.ts";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { waitForBatch, type BatchView } from "../../helpers/batch-client.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";
import { havePapers, papersDir, runPapers } from "./research-support.ts";

if (!havePapers) console.warn(`[research/research-results-stored] skipped: corpus not found at ${papersDir}`);

const FILES = ["cc-bitcoin-2008.pdf", "cc-ppcoin-2012.pdf", "cc-primecoin-2013.pdf"];
const ENTITIES = `query ($id: ID!) { entityClusters(batchId: $id, first: 500) { name documents { filename } } }`;
const TOPICS = `query ($id: ID!) { topicClusters(batchId: $id) { label documents { filename } } }`;
const REPORT = `query ($id: ID!) { batchReport(batchId: $id) { topEntities { name } topics { label } } }`;
const MARKER = "marker written into the stored row";

describe.skipIf(!havePapers)("stored research results", () => {
  let testApp: TestApp;
  let prisma: PrismaClient;
  let owner: TestUserWithKey;
  let batch: BatchView;

  const query = async <T>(text: string): Promise<T> => {
    const result = await testApp.graphql<T>(text, { id: batch.id }, owner.headers);
    expect(result.errors).toBeUndefined();
    return result.data!;
  };
  const rows = () => prisma.researchResult.findMany({ where: { batchId: batch.id }, orderBy: { kind: "asc" } });
  /** Rewrites the stored value in place (fingerprint kept): only a read that serves the row can return it. */
  const mark = async (kind: "entities" | "topics", rename: (value: { name?: string; label?: string }[]) => void) => {
    const row = await prisma.researchResult.findUniqueOrThrow({ where: { batchId_kind: { batchId: batch.id, kind } } });
    const value = row.value as { name?: string; label?: string }[];
    rename(value);
    await prisma.researchResult.update({ where: { batchId_kind: { batchId: batch.id, kind } }, data: { value } });
  };

  beforeAll(async () => {
    testApp = await startTestApp({ env: { QUIRE_RENDER_WORKERS: "1" } });
    prisma = testApp.app.services().db.prisma;
    owner = await createTestUserWithKey(prisma);
    batch = await runPapers(testApp, owner.headers, FILES, { stages: ["EMBED", "CITATIONS"] });
  }, 300_000);
  afterAll(async () => {
    await testApp?.close();
  });

  it("computes entities and topics on the first read and stores them with what they were computed from", async () => {
    expect(batch.status).toBe("COMPLETED");
    expect(await rows()).toEqual([]);
    const { entityClusters } = await query<{ entityClusters: { name: string }[] }>(ENTITIES);
    const { topicClusters } = await query<{ topicClusters: { label: string }[] }>(TOPICS);
    expect(entityClusters.map((cluster) => cluster.name)).toEqual(expect.arrayContaining(["Bitcoin", "PPCoin"]));
    expect(topicClusters.length).toBeGreaterThan(0);
    const stored = await rows();
    expect(stored.map((row) => row.kind)).toEqual(["entities", "topics"]);
    // Three documents finished each stage.
    expect(stored[0]!.fingerprint).toMatch(/^CITATIONS:3:[0-9a-f]{32}\|/);
    expect(stored[1]!.fingerprint).toMatch(/^EMBED:3:[0-9a-f]{32}\|/);
  });

  it("serves the stored rows to entityClusters, topicClusters and batchReport without computing again", async () => {
    await mark("entities", (clusters) => (clusters[0]!.name = MARKER));
    await mark("topics", (topics) => (topics[0]!.label = MARKER));
    const before = await rows();
    const { entityClusters } = await query<{ entityClusters: { name: string }[] }>(ENTITIES);
    const { topicClusters } = await query<{ topicClusters: { label: string }[] }>(TOPICS);
    const { batchReport } = await query<{ batchReport: { topEntities: { name: string }[]; topics: { label: string }[] } }>(REPORT);
    expect(entityClusters[0]!.name).toBe(MARKER);
    expect(topicClusters[0]!.label).toBe(MARKER);
    expect(batchReport.topEntities[0]!.name).toBe(MARKER);
    expect(batchReport.topics[0]!.label).toBe(MARKER);
    // The graph export route calls exportGraph with the key's user (its HTTP side has tests of its own).
    expect(await testApp.app.services().research.exportGraph(owner.userId, batch.id, "json")).toContain(MARKER);
    expect((await rows()).map((row) => row.computedAt)).toEqual(before.map((row) => row.computedAt));
  });

  it("finds one entity by any of its names, refuses a name with nothing to match, and shows another user's key nothing", async () => {
    const byName = `query ($id: ID!, $name: String!) { entityClusters(batchId: $id, name: $name) { name } }`;
    const found = await testApp.graphql<{ entityClusters: { name: string }[] }>(byName, { id: batch.id, name: "ppcoin" }, owner.headers);
    expect(found.data!.entityClusters.map((cluster) => cluster.name)).toEqual(["PPCoin"]);
    const empty = await testApp.graphql(byName, { id: batch.id, name: " - " }, owner.headers);
    expect(empty.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const stranger = await createTestUserWithKey(prisma);
    const hidden = await testApp.graphql(byName, { id: batch.id, name: "PPCoin" }, stranger.headers);
    expect(hidden.data).toBeNull();
    expect(hidden.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("computes the entities again after a retry runs a document's CITATIONS again, and keeps the topics", async () => {
    // PPCoin's CITATIONS failed for good (as a permanent error leaves it), so the batch ended PARTIAL.
    const ppcoin = batch.documents.find((document) => document.filename === "cc-ppcoin-2012.pdf")!;
    await prisma.checkpoint.update({ where: { documentId_stage: { documentId: ppcoin.id, stage: "CITATIONS" } }, data: { status: "FAILED", errorCode: "INTERNAL" } });
    await prisma.documentJob.update({ where: { id: ppcoin.id }, data: { status: "FAILED", errorCode: "INTERNAL" } });
    await prisma.batchJob.update({ where: { id: batch.id }, data: { status: "PARTIAL" } });
    // Two documents have CITATIONS now: read once so the stored row matches them, then mark it.
    await query(ENTITIES);
    expect((await rows())[0]!.fingerprint).toMatch(/^CITATIONS:2:/);
    await mark("entities", (clusters) => (clusters[0]!.name = MARKER));
    const topicsBefore = (await rows())[1]!;

    const retried = await testApp.graphql(`mutation ($id: ID!) { retryBatch(id: $id) { id } }`, { id: batch.id }, owner.headers);
    expect(retried.errors).toBeUndefined();
    const done = await waitForBatch(testApp, owner.headers, batch.id, { timeoutMs: 120_000, until: (view) => view.status === "COMPLETED" });
    expect(done.documents.find((document) => document.id === ppcoin.id)!.stages.find((stage) => stage.stage === "CITATIONS")!.attempts).toBe(2);

    const { entityClusters } = await query<{ entityClusters: { name: string; documents: { filename: string }[] }[] }>(ENTITIES);
    expect(entityClusters.map((cluster) => cluster.name)).not.toContain(MARKER);
    expect(entityClusters.find((cluster) => cluster.name === "PPCoin")!.documents.map((document) => document.filename)).toEqual(["cc-ppcoin-2012.pdf"]);
    await query(TOPICS);
    const [entitiesAfter, topicsAfter] = await rows();
    expect(entitiesAfter!.fingerprint).toMatch(/^CITATIONS:3:/);
    // EMBED did not run again: the stored topics still hold.
    expect(topicsAfter).toEqual(topicsBefore);
  });
});
