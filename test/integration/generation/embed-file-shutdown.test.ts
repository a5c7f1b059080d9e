import { afterAll, describe, expect, it } from "vitest";
import { buildApp, type App } from "../../../src/app.ts";
import { loadConfig } from "../../../src/config.ts";
import { createLogger } from "../../../src/logging/logger.ts";
import { download, uploadForEmbedding } from "./embed-file-support.ts";
import { startGenerationHarness, type GenerationHarness } from "./generation-support.ts";

describe("embedFile jobs: per-user limit and shutdown", () => {
  let harness: GenerationHarness | undefined;
  let restarted: App | undefined;

  afterAll(async () => {
    // The test stops the first app itself; the restarted one, the database and the fake are left.
    await restarted?.stop();
    await harness?.testApp.database.drop();
    await harness?.fake.close();
  });

  it("limits running jobs per user, answers 409 while running; stop() hands running jobs back and a restart finishes them", async () => {
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
    while (harness.fake.inFlight < 8) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(harness.fake.inFlight).toBe(8);
    expect((await download(harness, ids[0]!)).status).toBe(409);

    await harness.testApp.app.stop();
    expect(harness.fake.inFlight).toBe(0);

    // Handed back, not failed: QUEUED, with nothing stored for the requests the stop cut short.
    const config = loadConfig({ DATABASE_URL: harness.testApp.database.url, PORT: "0", LOG_LEVEL: "silent", NODE_ENV: "test", LLM_PROVIDER: "openai", OPENAI_BASE_URL: harness.fake.openaiBaseUrl, OPENAI_API_KEY: "sk-test-key" });
    harness.fake.latencyMs = 0;
    restarted = buildApp(config, { logger: createLogger("silent") });
    await restarted.start({ listen: false });
    const { prisma: db } = restarted.services().db;
    for (const id of ids) {
      const events = restarted.services().events.subscribe("embedding", id);
      try {
        let job = await db.embeddingJob.findUniqueOrThrow({ where: { id } });
        while (job.status === "QUEUED" || job.status === "RUNNING") {
          await events.next();
          job = await db.embeddingJob.findUniqueOrThrow({ where: { id } });
        }
        expect(job).toMatchObject({ status: "COMPLETED", processed: 200, failed: 0, total: 200, errorCode: null });
      } finally {
        await events.return();
      }
      const rows = await db.embeddingResult.findMany({ where: { jobId: id }, orderBy: { line: "asc" }, select: { line: true, text: true, errorCode: true } });
      expect(rows.map((row) => row.line)).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
      expect(rows.every((row) => row.errorCode === null)).toBe(true);
      // The job owned its stored upload; it is unlinked now the job has ended.
      expect((await db.embeddingJob.findUniqueOrThrow({ where: { id } })).uploadOid).toBeNull();
    }
  });
});
