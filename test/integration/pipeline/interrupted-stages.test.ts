/**
 * A stage cut short by a graceful stop is handed back, not failed. Stopping the worker three
 * times while SUMMARIZE waits for the model uses none of the stage's attempts: with a budget
 * of two, the stage still survives one real failure afterwards and the document completes.
 * (Counting claims instead of failures, the failure after three stops would be the 4th attempt
 * of 2 and fail the document.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type App } from "../../../src/app.ts";
import { loadConfig } from "../../../src/config.ts";
import { createPrismaClient, type PrismaClient } from "../../../src/db/prisma-client.ts";
import { createLogger } from "../../../src/logging/logger.ts";
import { createTestUserWithKey } from "../../helpers/auth.ts";
import { uploadBatch } from "../../helpers/batch-client.ts";
import { batchEnded } from "../../helpers/batch-events.ts";
import { openaiErrors, startFakeLlmServer, type FakeLlmServer, type RecordedRequest } from "../../helpers/fake-llm-server.ts";
import { buildTextPdf } from "../../helpers/pdf-fixtures.ts";
import type { TestApp } from "../../helpers/test-app.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.ts";

const STOPS = 3;

const isSummary = (request: RecordedRequest) =>
  request.path === "/v1/chat/completions" && JSON.stringify(request.body.messages ?? []).includes("Summarise the document");

describe("stages interrupted by a graceful stop", () => {
  let fake: FakeLlmServer;
  let database: TestDatabase;
  let prisma: PrismaClient;
  let app: App | undefined;

  beforeAll(async () => {
    fake = await startFakeLlmServer();
    database = await createTestDatabase();
    prisma = createPrismaClient(database.url, { poolSize: 2 });
  });
  afterAll(async () => {
    await app?.stop();
    await prisma?.$disconnect();
    await database?.drop();
    await fake?.close();
  });

  async function startApp(): Promise<App> {
    const config = loadConfig({
      DATABASE_URL: database.url,
      PORT: "0",
      LOG_LEVEL: "silent",
      NODE_ENV: "test",
      LLM_PROVIDER: "openai",
      OPENAI_BASE_URL: fake.openaiBaseUrl,
      OPENAI_API_KEY: "sk-fake-interrupt",
      LLM_CACHE: "false",
      // One provider attempt per stage run, so one scripted 500 is one failed stage attempt.
      LLM_MAX_ATTEMPTS: "1",
      QUIRE_STAGE_MAX_ATTEMPTS: "2",
      QUIRE_STAGE_BACKOFF_MS: "1",
      QUIRE_RENDER_WORKERS: "1",
      QUIRE_TEXT_WORKERS: "1",
    });
    const started = buildApp(config, { logger: createLogger(process.env.TEST_LOG_LEVEL ?? "silent") });
    await started.start({ listen: false });
    return started;
  }

  it("does not count them against the stage's attempts", { timeout: 180_000 }, async () => {
    // Each summary request is held until its client goes away, which a stop makes happen;
    // once the stops are over, the next one fails (a retryable 500) and the one after answers.
    let phase: "hold" | "fail" | "answer" = "hold";
    let summaryArrived = Promise.withResolvers<void>();
    fake.respond = (request) => {
      if (!isSummary(request)) return undefined;
      if (phase === "hold") {
        summaryArrived.resolve();
        return { until: new Promise(() => {}) };
      }
      if (phase === "fail") {
        phase = "answer";
        return openaiErrors.serverError();
      }
      return undefined;
    };

    app = await startApp();
    const user = await createTestUserWithKey(prisma);
    const upload = await uploadBatch({ app } as TestApp, user.headers, [{ name: "interrupted.pdf", bytes: await buildTextPdf({ pages: 1 }) }], {
      stages: ["SUMMARIZE"],
    });
    expect(upload.errors).toBeUndefined();
    const batchId = upload.data!.uploadBatch.id;

    for (let stop = 1; stop <= STOPS; stop++) {
      await summaryArrived.promise;
      summaryArrived = Promise.withResolvers<void>();
      if (stop === STOPS) phase = "fail";
      await app.stop();
      app = await startApp();
    }

    expect(await batchEnded(app.services().events, prisma, batchId)).toBe("COMPLETED");
    const summarize = await prisma.checkpoint.findFirstOrThrow({ where: { document: { batchId }, stage: "SUMMARIZE" } });
    expect(summarize).toMatchObject({ status: "COMPLETED", failedAttempts: 1, attempt: STOPS + 2 });
    const summaries = fake.requests.filter(isSummary);
    expect(summaries.map((request) => request.aborted)).toEqual([true, true, true, false, false]);
    // The stops handed their jobs back: none is left locked or failed in graphile-worker. The
    // batch's end is published from inside the last job, so the running pool removes that job
    // just after: wait for it rather than race it.
    await expect
      .poll(
        () => prisma.$queryRaw<{ locked_by: string | null; last_error: string | null }[]>`
          SELECT locked_by, last_error FROM graphile_worker.jobs WHERE task_identifier = 'pipeline.stage'`,
        // Shorter than the reaper's 20 s, so a lock left by a stopped pool still fails here.
        { timeout: 10_000, interval: 100 },
      )
      .toEqual([]);
  });
});
