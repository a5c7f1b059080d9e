import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type PrismaClient } from "../../../src/db/prisma-client.ts";
import { EmbeddingJobLostError, EmbeddingJobStore } from "../../../src/embeddings/embedding-job-store.ts";
import type { EmbeddedLine } from "../../../src/generation/index.ts";
import { createTestUserWithKey } from "../../helpers/auth.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.ts";

const line = (lineNumber: number, text = `line ${lineNumber}`): EmbeddedLine => ({ lineNumber, text, vector: [lineNumber, 0], error: null });

describe("embedding job writes are fenced by the run's claim", () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let store: EmbeddingJobStore;
  let userId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = createPrismaClient(database.url, { poolSize: 2 });
    store = new EmbeddingJobStore(prisma);
    userId = (await createTestUserWithKey(prisma)).userId;
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await database.drop();
  });

  const newJob = () => prisma.embeddingJob.create({ data: { userId, filename: "f.txt", batchSize: 1, total: 10 } });

  it("a run taken for dead cannot write over its successor, which resumes from the checkpoint", async () => {
    const { id } = await newJob();
    const stale = (await store.claim(id, "process-a"))!;
    await store.saveResults(id, stale.claim, [line(1), line(2)], { processed: 2, failed: 0 }, 2);

    const fresh = (await store.claim(id, "process-b"))!;
    expect(fresh).toMatchObject({ claim: stale.claim + 1, linesDone: 2, processed: 2, failed: 0 });

    const late = store.saveResults(id, stale.claim, [line(3, "stale text")], { processed: 3, failed: 0 }, 3);
    await expect(late).rejects.toBeInstanceOf(EmbeddingJobLostError);
    await expect(late).rejects.toMatchObject({ reason: "taken" });
    expect(await store.finish(id, stale.claim, { status: "FAILED", total: null, errorCode: "X", error: "stale" })).toBe(false);

    await store.saveResults(id, fresh.claim, [line(3)], { processed: 3, failed: 0 }, 3);
    expect(await store.finish(id, fresh.claim, { status: "COMPLETED", total: 3, errorCode: null, error: null })).toBe(true);
    const rows = await prisma.embeddingResult.findMany({ where: { jobId: id }, orderBy: { line: "asc" } });
    expect(rows.map((row) => [row.line, row.text])).toEqual([[1, "line 1"], [2, "line 2"], [3, "line 3"]]);
    expect(await prisma.embeddingJob.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "COMPLETED", processed: 3, linesDone: 3 });
    // An ended job is claimed by no one.
    expect(await store.claim(id, "process-c")).toBeNull();
  });

  it("a cancelled job stops its run at the next write, which stores nothing", async () => {
    const { id } = await newJob();
    const run = (await store.claim(id, "process-a"))!;
    expect(await store.cancel(id)).toBe(true);
    await expect(store.saveResults(id, run.claim, [line(1)], { processed: 1, failed: 0 }, 1)).rejects.toMatchObject({ reason: "ended" });
    expect(await prisma.embeddingResult.count({ where: { jobId: id } })).toBe(0);
    expect(await prisma.embeddingJob.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "CANCELLED", processed: 0 });
  });

  it("a stopping run hands the job back: QUEUED, checkpoint kept, claimable again", async () => {
    const { id } = await newJob();
    const run = (await store.claim(id, "process-a"))!;
    await store.saveResults(id, run.claim, [line(1)], { processed: 1, failed: 0 }, 1);
    await store.handBack(id, run.claim);
    expect(await prisma.embeddingJob.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "QUEUED", ownerProcessId: null, linesDone: 1 });
    expect(await store.claim(id, "process-b")).toMatchObject({ claim: run.claim + 1, linesDone: 1, processed: 1 });
  });
});
