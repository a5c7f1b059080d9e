/**
 * A PostgreSQL outage in the middle of a batch, on a PostgreSQL of this test's own (the shared
 * test server cannot be stopped): the server process stays up, says 503 while the database is
 * gone, and finishes the batch by itself once it is back. About 35 s, 15 of them the outage.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { findFreePort, startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../../../src/db/embedded-postgres.ts";
import { createLogger } from "../../../src/logging/logger.ts";
import { startFakeLlmServer, type FakeLlmServer } from "../../helpers/fake-llm-server.ts";
import { buildTextPdf } from "../../helpers/pdf-fixtures.ts";
import { startServerProcess, uploadOverHttp, type ServerProcess } from "../../helpers/server-process.ts";

const OUTAGE_MS = 15_000;

describe("a PostgreSQL outage mid-batch", () => {
  let dataDir: string;
  let port: number;
  let database: EmbeddedPostgresHandle | undefined;
  let fake: FakeLlmServer;
  let server: ServerProcess | undefined;
  const logger = createLogger("warn");

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "quire-outage-"));
    port = await findFreePort();
    database = await startEmbeddedPostgres(dataDir, logger, { port });
    fake = await startFakeLlmServer();
  });
  afterAll(async () => {
    await server?.stop("SIGKILL");
    await database?.stop();
    await fake?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("keeps the process up, answers 503 meanwhile, and completes the batch when the database returns", async () => {
    server = await startServerProcess(
      {
        DATABASE_URL: database!.url,
        QUIRE_BOOTSTRAP_KEY: "true",
        LLM_PROVIDER: "openai",
        OPENAI_BASE_URL: fake.openaiBaseUrl,
        OPENAI_API_KEY: "sk-fake-outage",
        QUIRE_RENDER_WORKERS: "1",
        QUIRE_STAGE_BACKOFF_MS: "50",
      },
      60_000,
    );
    const key = /qk_[A-Za-z0-9_-]{43}/.exec(server.output())![0];
    const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const batchQuery = async () =>
      fetch(`${server!.url}/graphql`, {
        method: "POST",
        headers,
        body: JSON.stringify({ query: "query ($id: ID!) { batch(id: $id) { status } }", variables: { id: batchId } }),
      });

    // The first model call answers after the database is gone, so the stage must write then.
    fake.script({ latencyMs: 4_000 });
    const batchId = await uploadOverHttp(server.url, `Bearer ${key}`, [{ name: "outage.pdf", bytes: await buildTextPdf({ pages: 2 }) }]);
    await vi.waitUntil(() => fake.requests.length > 0, { timeout: 60_000, interval: 50 });

    const stoppedAt = performance.now();
    await database!.stop();
    database = undefined;

    await vi.waitUntil(async () => (await fetch(`${server!.url}/health`)).status === 503, { timeout: 10_000, interval: 100 });
    const during = await batchQuery();
    expect(during.status).toBe(503);
    const body = (await during.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe("SERVICE_UNAVAILABLE");

    // The outage itself: its length is the scenario, not a timing assertion.
    await sleep(Math.max(0, OUTAGE_MS - (performance.now() - stoppedAt)));
    expect(server.child.exitCode, server.output()).toBeNull();
    database = await startEmbeddedPostgres(dataDir, logger, { port });

    await vi.waitUntil(
      async () => {
        const response = await batchQuery();
        if (response.status !== 200) return false;
        const result = (await response.json()) as { data?: { batch: { status: string } } };
        return ["COMPLETED", "PARTIAL", "FAILED", "CANCELLED"].includes(result.data?.batch.status ?? "");
      },
      { timeout: 90_000, interval: 250 },
    );
    const final = (await (await batchQuery()).json()) as { data: { batch: { status: string } } };
    expect(final.data.batch.status, server.output()).toBe("COMPLETED");
    expect(server.child.exitCode, server.output()).toBeNull();
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    // Pool errors are one short line each, never a pg client (with its cancel secretKey).
    expect(server.output()).not.toContain("secretKey");
  });
});
