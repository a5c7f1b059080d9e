/**
 * Entity clusters and topics are computed by the worker as the batch's documents finish and
 * stored before anyone reads them: reads serve the stored rows (a marker written into the row
 * comes back through the API), a retry that runs a document's CITATIONS again makes the worker
 * compute them again, and a research failure leaves the batch alone (reads then compute).
 * Skipped when ../shared is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../../src/db/prisma-client.ts";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { readFileSync } from "node:fs";
import path from "node:path";
import { uploadBatch, waitForBatch, type BatchView } from "../../helpers/batch-client.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";
import { ResearchResultStore } from "../../../src/research/research-result-store.ts";
import { awaitResearch, havePapers, papersDir, runPapers } from "./research-support.ts";

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
  const rows = (batchId = batch.id) => prisma.researchResult.findMany({ where: { batchId }, orderBy: { kind: "asc" } });
  /** Both stored rows were computed from the batch's documents as they are now. */
  const current = async (batchId = batch.id) => {
    const results = new ResearchResultStore(prisma);
    const stored = await rows(batchId);
    const expected = [await results.fingerprint(batchId, "CITATIONS"), await results.fingerprint(batchId, "EMBED")];
    return stored.length === 2 && stored.every((row, index) => row.fingerprint.startsWith(`${expected[index]}|`));
  };
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

  it("stores entities and topics computed from every finished document when the batch completes, before any read", async () => {
    expect(batch.status).toBe("COMPLETED");
    // No API read has happened yet: only the worker can have written these rows.
    await awaitResearch(testApp, batch.id, () => current());
    const stored = await rows();
    expect(stored.map((row) => row.kind)).toEqual(["entities", "topics"]);
    // Three documents finished each stage.
    expect(stored[0]!.fingerprint).toMatch(/^CITATIONS:3:[0-9a-f]{32}\|/);
    expect(stored[1]!.fingerprint).toMatch(/^EMBED:3:[0-9a-f]{32}\|/);
    const entities = stored[0]!.value as { name: string; documentIds: string[] }[];
    expect(entities.map((cluster) => cluster.name)).toEqual(expect.arrayContaining(["Bitcoin", "PPCoin"]));
    const topics = stored[1]!.value as { documentIds: string[] }[];
    expect(topics.flatMap((topic) => topic.documentIds).sort()).toEqual(batch.documents.map((document) => document.id).sort());
    // Reads serve exactly what the worker stored.
    const { entityClusters } = await query<{ entityClusters: { name: string }[] }>(ENTITIES);
    expect(entityClusters.map((cluster) => cluster.name)).toEqual(entities.map((cluster) => cluster.name));
    expect((await rows()).map((row) => row.computedAt)).toEqual(stored.map((row) => row.computedAt));
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

  it("has the worker compute the entities again after a retry runs a document's CITATIONS again, and keeps the topics", async () => {
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
    await awaitResearch(testApp, batch.id, () => current());
    // Before any read: the worker replaced the marked row.
    const [refreshed] = await rows();
    expect(refreshed!.fingerprint).toMatch(/^CITATIONS:3:/);
    expect((refreshed!.value as { name: string }[]).map((cluster) => cluster.name)).not.toContain(MARKER);

    const { entityClusters } = await query<{ entityClusters: { name: string; documents: { filename: string }[] }[] }>(ENTITIES);
    expect(entityClusters.map((cluster) => cluster.name)).not.toContain(MARKER);
    expect(entityClusters.find((cluster) => cluster.name === "PPCoin")!.documents.map((document) => document.filename)).toEqual(["cc-ppcoin-2012.pdf"]);
    await query(TOPICS);
    const [entitiesAfter, topicsAfter] = await rows();
    expect(entitiesAfter!.fingerprint).toMatch(/^CITATIONS:3:/);
    // EMBED did not run again: the stored topics still hold.
    expect(topicsAfter).toEqual(topicsBefore);
  });

  it("leaves the batch COMPLETED when its research fails, and reads then compute the results themselves", async () => {
    // Every write of a research result fails, as a broken computation would.
    await prisma.$executeRawUnsafe(`CREATE FUNCTION refuse_research() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'research refused'; END $$`);
    await prisma.$executeRawUnsafe(`CREATE TRIGGER refuse_research BEFORE INSERT OR UPDATE ON research_results FOR EACH ROW EXECUTE FUNCTION refuse_research()`);
    let failed: string;
    try {
      const upload = await uploadBatch(testApp, owner.headers, [{ name: "cc-ppcoin-2012.pdf", bytes: new Uint8Array(readFileSync(path.join(papersDir, "cc-ppcoin-2012.pdf"))) }], { stages: ["EMBED", "CITATIONS"], label: "papers" });
      failed = upload.data!.uploadBatch.id;
      // Listening from the moment the batch exists: its refresh runs right after it completes.
      const refused = awaitResearch(testApp, failed, (outcome) => outcome === "RESEARCH_FAILED");
      expect((await waitForBatch(testApp, owner.headers, failed, { timeoutMs: 120_000 })).status).toBe("COMPLETED");
      await refused;
      const after = await waitForBatch(testApp, owner.headers, failed);
      expect(after.status).toBe("COMPLETED");
      expect(after.documents.map((document) => document.status)).toEqual(["COMPLETED"]);
      expect(await rows(failed)).toEqual([]);
    } finally {
      await prisma.$executeRawUnsafe(`DROP TRIGGER refuse_research ON research_results`);
    }
    const read = await testApp.graphql<{ topicClusters: { documents: { filename: string }[] }[] }>(TOPICS, { id: failed }, owner.headers);
    expect(read.errors).toBeUndefined();
    expect(read.data!.topicClusters.flatMap((topic) => topic.documents.map((document) => document.filename))).toEqual(["cc-ppcoin-2012.pdf"]);
    expect((await rows(failed)).map((row) => row.kind)).toEqual(["topics"]);
  });
});
