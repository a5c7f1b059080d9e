/**
 * A graceful stop in the middle of a stage hands the work back: no job stays locked by the
 * stopped worker pool (graphile-worker would keep it for four hours, and every start would warn
 * about it), and the stage is still queued for the next process.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestUserWithKey } from "../../helpers/auth.ts";
import { uploadBatch } from "../../helpers/batch-client.ts";
import { startFakeLlmServer, type FakeLlmServer } from "../../helpers/fake-llm-server.ts";
import { buildTextPdf } from "../../helpers/pdf-fixtures.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";

describe("a graceful stop mid-stage", () => {
  let fake: FakeLlmServer;
  let testApp: TestApp | undefined;
  beforeAll(async () => {
    fake = await startFakeLlmServer();
  });
  afterAll(async () => {
    await testApp?.database.drop();
    await fake?.close();
  });

  it("leaves no job locked by the stopped pool and the stage queued", async () => {
    testApp = await startTestApp({
      env: { LLM_PROVIDER: "openai", OPENAI_BASE_URL: fake.openaiBaseUrl, OPENAI_API_KEY: "sk-fake-stop", QUIRE_RENDER_WORKERS: "1" },
    });
    const user = await createTestUserWithKey(testApp.app.services().db.prisma);
    // The model answers slowly: the stop comes while the stage waits for it.
    fake.latencyMs = 2_000;
    const upload = await uploadBatch(testApp, user.headers, [{ name: "stop.pdf", bytes: await buildTextPdf({ pages: 1 }) }]);
    expect(upload.errors).toBeUndefined();
    await vi.waitUntil(() => fake.inFlight > 0, { timeout: 60_000, interval: 20 });
    await testApp.app.stop();

    const client = new pg.Client({ connectionString: testApp.database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ locked_by: string | null; task_identifier: string }>(
        "SELECT locked_by, task_identifier FROM graphile_worker.jobs",
      );
      expect(rows.length).toBeGreaterThan(0); // the interrupted stage, queued again
      expect(rows.filter((row) => row.locked_by !== null)).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
