import { afterAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "../../../src/db/prisma-client.ts";
import { download, uploadForEmbedding } from "./embed-file-support.ts";
import { startGenerationHarness, type GenerationHarness } from "./generation-support.ts";

describe("embedFile jobs: per-user limit and shutdown", () => {
  let harness: GenerationHarness | undefined;

  afterAll(async () => {
    // The test stops the app itself; only the database and the fake provider are left.
    await harness?.testApp.database.drop();
    await harness?.fake.close();
  });

  it("limits running jobs per user, answers 409 while running, and stop() aborts running jobs", async () => {
    harness = await startGenerationHarness({ listen: true, latencyMs: 30_000, env: { QUIRE_MAX_CONCURRENT_EMBEDDING_JOBS_PER_USER: "2" } });
    const content = Array.from({ length: 200 }, (_, index) => `slow line ${index}`).join("\n");
    const first = await uploadForEmbedding(harness, content, { batchSize: 10 });
    const second = await uploadForEmbedding(harness, content, { batchSize: 10 });
    const ids = [first.data!.embedFile.id, second.data!.embedFile.id];
    const third = await uploadForEmbedding(harness, content);
    expect(third.errors![0]).toMatchObject({
      message: "You already have 2 embedding jobs running; the limit is 2.",
      extensions: { code: "QUOTA_EXCEEDED" },
    });

    // Both jobs are waiting on the (30 s) provider.
    const deadline = Date.now() + 10_000;
    while (harness.fake.inFlight < 8 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(harness.fake.inFlight).toBe(8);
    expect(harness.testApp.app.services().backgroundJobs.size).toBe(2);
    expect((await download(harness, ids[0]!)).status).toBe(409);

    const started = performance.now();
    await harness.testApp.app.stop();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(harness.fake.inFlight).toBe(0);

    const prisma = createPrismaClient(harness.testApp.database.url, { poolSize: 1 });
    try {
      const jobs = await prisma.embeddingJob.findMany({ where: { id: { in: ids } } });
      expect(jobs).toHaveLength(2);
      for (const job of jobs) {
        expect(job).toMatchObject({ status: "FAILED", errorCode: "ABORTED", error: "The server stopped before the job finished" });
        expect(job.finishedAt).not.toBeNull();
      }
    } finally {
      await prisma.$disconnect();
    }
  });
});
