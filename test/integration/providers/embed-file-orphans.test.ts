import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type App } from "../../../src/app.ts";
import { loadConfig } from "../../../src/config.ts";
import { createLogger } from "../../../src/logging/logger.ts";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { startFakeLlmServer, type FakeLlmServer } from "../../helpers/fake-llm-server.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.ts";

const EMBED = `mutation ($file: File!) { embedFile(file: $file, batchSize: 1) { id total } }`;

describe("embedFile jobs: orphans of a dead process, list and cancel", () => {
  let fake: FakeLlmServer;
  let database: TestDatabase;
  let app: App;
  let user: TestUserWithKey;

  async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await app.yoga.fetch("http://quire.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", ...user.headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown };
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }

  beforeAll(async () => {
    // Slow embeddings, so a job is still running when the test acts on it.
    fake = await startFakeLlmServer({ latencyMs: 50 });
    database = await createTestDatabase();
    const config = loadConfig({
      DATABASE_URL: database.url,
      PORT: "0",
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      LLM_PROVIDER: "openai",
      OPENAI_BASE_URL: fake.openaiBaseUrl,
      OPENAI_API_KEY: "sk-test-key",
      QUIRE_WORKER_DEAD_AFTER_MS: "1000",
    });
    app = buildApp(config, { logger: createLogger(process.env.TEST_LOG_LEVEL ?? "silent") });
    await app.start({ listen: false });
    user = await createTestUserWithKey(app.services().db.prisma);
  });
  afterAll(async () => {
    await app.stop();
    await database.drop();
    await fake.close();
  });

  it("fails a job whose process stopped heartbeating with WORKER_LOST (never left RUNNING), and lists it", async () => {
    const { prisma } = app.services().db;
    // What kill -9 leaves behind: a RUNNING job owned by a process whose heartbeat row is gone.
    const orphan = await prisma.embeddingJob.create({
      data: { userId: user.userId, filename: "killed.txt", batchSize: 1, status: "RUNNING", processed: 3, total: 10, ownerProcessId: "dead-host:1:gone", createdAt: new Date(Date.now() - 5_000) },
    });
    let job = orphan;
    while (job.status === "RUNNING") {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = await prisma.embeddingJob.findUniqueOrThrow({ where: { id: orphan.id } });
    }
    expect(job).toMatchObject({ status: "FAILED", errorCode: "WORKER_LOST", processed: 3 });
    const listed = await graphql<{ embeddingJobs: unknown[] }>(`{ embeddingJobs(status: FAILED) { id error { code } } }`);
    expect(listed.embeddingJobs).toEqual([{ id: orphan.id, error: { code: "WORKER_LOST" } }]);
  });

  it("cancels a running job: it reads CANCELLED at once, the run stops, stored results stay", async () => {
    const { prisma } = app.services().db;
    const form = new FormData();
    form.append("operations", JSON.stringify({ query: EMBED, variables: { file: null } }));
    form.append("map", JSON.stringify({ 0: ["variables.file"] }));
    form.append("0", new File([Array.from({ length: 200 }, (_, i) => `cancel ${i}`).join("\n")], "lines.txt", { type: "text/plain" }));
    const uploaded = await app.yoga.fetch("http://quire.test/graphql", { method: "POST", headers: { ...user.headers, "x-graphql-csrf": "1" }, body: form });
    const { id, total } = ((await uploaded.json()) as { data: { embedFile: { id: string; total: number } } }).data.embedFile;
    expect(total).toBe(200);
    for (;;) {
      const job = await prisma.embeddingJob.findUniqueOrThrow({ where: { id } });
      if (job.processed > 0) break;
      if (job.status !== "RUNNING" && job.status !== "QUEUED") throw new Error(`job ended: ${JSON.stringify(job)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const cancelled = await graphql<{ cancelEmbeddingJob: unknown }>(`mutation ($id: ID!) { cancelEmbeddingJob(id: $id) { status error { code } } }`, { id });
    expect(cancelled.cancelEmbeddingJob).toEqual({ status: "CANCELLED", error: { code: "CANCELLED" } });
    await app.services().backgroundJobs.settled(id);
    const job = await prisma.embeddingJob.findUniqueOrThrow({ where: { id } });
    expect(job.status).toBe("CANCELLED");
    expect(job.processed).toBeLessThan(200);
    expect(await prisma.embeddingResult.count({ where: { jobId: id } })).toBe(job.processed);
  });
});
