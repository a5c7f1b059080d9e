import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STAGES } from "../../../src/pipeline/stage-order.ts";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";

const BATCHES = 100;
const query = `{ batches(first: 100) { edges { node { id progress documentCount completedCount failedCount
  documents { id filename status progress stages { stage status } } } } } }`;

/**
 * Nested reads cost a bounded number of queries whatever the list sizes: batch and document
 * fields load through DataLoaders (src/batches/batch-read-loaders.ts), counted here through
 * Prisma's query events on the app's own client.
 */
describe("batched reads", () => {
  let testApp: TestApp;
  let owner: TestUserWithKey;
  let queries = 0;
  beforeAll(async () => {
    testApp = await startTestApp({ env: { QUIRE_ROLE: "api", QUIRE_GRAPHQL_MAX_COST: "100000" }, appOptions: { onDatabaseQuery: () => void queries++ } });
    const { prisma } = testApp.app.services().db;
    owner = await createTestUserWithKey(prisma);
    const other = await createTestUserWithKey(prisma);
    const batchIds = Array.from({ length: BATCHES }, () => randomUUID());
    const foreignBatch = randomUUID();
    await prisma.batchJob.createMany({
      data: [...batchIds.map((id) => ({ id, userId: owner.userId, stages: [] })), { id: foreignBatch, userId: other.userId, stages: [] }],
    });
    // Per batch: one COMPLETED, one FAILED and one RUNNING document (3 of 9 stages done).
    const statuses = ["COMPLETED", "FAILED", "RUNNING"] as const;
    const documents = [...batchIds, foreignBatch].flatMap((batchId) =>
      statuses.map((status, i) => ({ id: randomUUID(), batchId, userId: batchId === foreignBatch ? other.userId : owner.userId, filename: `${i}.pdf`, sizeBytes: 1, sha256: "0", status, pageCount: 1 })),
    );
    await prisma.documentJob.createMany({ data: documents });
    await prisma.checkpoint.createMany({
      data: documents.flatMap((document) => STAGES.map((stage, i) => ({ documentId: document.id, stage, status: i < 3 ? ("COMPLETED" as const) : ("PENDING" as const) }))),
    });
  });
  afterAll(async () => {
    await testApp.close();
  });

  it("answers batches(first: 100) with counts, progress, documents and stages in at most 10 queries", async () => {
    queries = 0;
    const result = await testApp.graphql<{ batches: { edges: { node: Record<string, unknown> & { documents: { status: string; progress: number; stages: { stage: string; status: string }[] }[] } }[] } }>(query, {}, owner.headers);
    expect(result.errors).toBeUndefined();
    expect(queries).toBeLessThanOrEqual(10);
    const nodes = result.data!.batches.edges.map((edge) => edge.node);
    expect(nodes).toHaveLength(BATCHES);
    for (const node of nodes) {
      expect(node).toMatchObject({ documentCount: 3, completedCount: 1, failedCount: 1 });
      // Two finished documents count 1 each, the running one 3 of 9 stages: (1 + 1 + 1/3) / 3.
      expect(node.progress).toBeCloseTo(7 / 9, 5);
      expect(node.documents.map((d) => [d.status, d.progress])).toEqual([["COMPLETED", 1], ["FAILED", 1], ["RUNNING", 1 / 3]]);
      expect(node.documents[2]!.stages.map((s) => s.stage)).toEqual([...STAGES]);
    }
  });
});
