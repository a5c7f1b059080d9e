import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type App } from "../../../src/app.ts";
import { loadConfig } from "../../../src/config.ts";
import { createLogger } from "../../../src/logging/logger.ts";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { startFakeLlmServer, type FakeLlmServer } from "../../helpers/fake-llm-server.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.ts";

const EMBED = `mutation ($file: File!) { embedFile(file: $file, batchSize: 1) { id total } }`;

describe("embedFile jobs: orphans that cannot be resumed, list and cancel", () => {
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

  /** The next `count` "done" messages of the job (subscribe before acting, so none is missed). */
  function doneMessages(id: string, count: number): Promise<void> {
    const events = app.services().events.subscribe("embedding", id);
    return (async () => {
      try {
        for (let seen = 0; seen < count; ) {
          const next = await events.next();
          if (next.done) throw new Error("progress subscription ended");
          if (next.value.done) seen += 1;
        }
      } finally {
        await events.return();
      }
    })();
  }

  it("fails a job that nothing can resume (its process is gone and so is its work) with WORKER_LOST, and lists it", async () => {
    const { prisma } = app.services().db;
    // What a kill -9 leaves when the job cannot be resumed: RUNNING, owned by a process whose
    // heartbeat row is gone, with no stored upload and no queued work.
    const id = randomUUID();
    const swept = doneMessages(id, 1);
    await prisma.embeddingJob.create({
      data: { id, userId: user.userId, filename: "killed.txt", batchSize: 1, status: "RUNNING", processed: 3, total: 10, ownerProcessId: "dead-host:1:gone", createdAt: new Date(Date.now() - 5_000) },
    });
    await swept;
    const job = await prisma.embeddingJob.findUniqueOrThrow({ where: { id } });
    expect(job).toMatchObject({ status: "FAILED", errorCode: "WORKER_LOST", processed: 3 });
    const listed = await graphql<{ embeddingJobs: unknown[] }>(`{ embeddingJobs(status: FAILED) { id error { code } } }`);
    expect(listed.embeddingJobs).toEqual([{ id, error: { code: "WORKER_LOST" } }]);
  });

  it("cancels a running job: it reads CANCELLED at once, the run stops, stored results stay, the upload is unlinked", async () => {
    const { prisma } = app.services().db;
    const form = new FormData();
    form.append("operations", JSON.stringify({ query: EMBED, variables: { file: null } }));
    form.append("map", JSON.stringify({ 0: ["variables.file"] }));
    form.append("0", new File([Array.from({ length: 200 }, (_, i) => `cancel ${i}`).join("\n")], "lines.txt", { type: "text/plain" }));
    const uploaded = await app.yoga.fetch("http://quire.test/graphql", { method: "POST", headers: { ...user.headers, "x-graphql-csrf": "1" }, body: form });
    const { id, total } = ((await uploaded.json()) as { data: { embedFile: { id: string; total: number } } }).data.embedFile;
    expect(total).toBe(200);
    const { uploadOid } = await prisma.embeddingJob.findUniqueOrThrow({ where: { id } });
    expect(uploadOid).not.toBeNull();

    const events = app.services().events.subscribe("embedding", id);
    try {
      let job = await prisma.embeddingJob.findUniqueOrThrow({ where: { id } });
      while (job.processed === 0) {
        if (job.status !== "RUNNING" && job.status !== "QUEUED") throw new Error(`job ended: ${JSON.stringify(job)}`);
        await events.next();
        job = await prisma.embeddingJob.findUniqueOrThrow({ where: { id } });
      }
    } finally {
      await events.return();
    }
    // Two "done" messages: the cancel's, and the run's when its next write finds the job ended.
    const stopped = doneMessages(id, 2);
    const cancelled = await graphql<{ cancelEmbeddingJob: unknown }>(`mutation ($id: ID!) { cancelEmbeddingJob(id: $id) { status error { code } } }`, { id });
    expect(cancelled.cancelEmbeddingJob).toEqual({ status: "CANCELLED", error: { code: "CANCELLED" } });
    await stopped;
    const job = await prisma.embeddingJob.findUniqueOrThrow({ where: { id } });
    expect(job).toMatchObject({ status: "CANCELLED", uploadOid: null });
    expect(job.processed).toBeLessThan(200);
    expect(await prisma.embeddingResult.count({ where: { jobId: id } })).toBe(job.processed);
    const [row] = await prisma.$queryRaw<{ exists: boolean }[]>`SELECT EXISTS (SELECT 1 FROM pg_largeobject_metadata WHERE oid = ${uploadOid}::bigint::oid) AS exists`;
    expect(row?.exists).toBe(false);
  });
});
