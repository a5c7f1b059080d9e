import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type PrismaClient } from "../../../src/db/prisma-client.ts";
import { createTestUserWithKey } from "../../helpers/auth.ts";
import { buildTextPdf } from "../../helpers/pdf-fixtures.ts";
import { startServerProcess, uploadOverHttp, type ServerProcess } from "../../helpers/server-process.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.ts";

const TERMINAL = ["COMPLETED", "PARTIAL", "FAILED", "CANCELLED"];

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("durability across processes", () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  const servers: ServerProcess[] = [];
  const baseEnv = (extra: Record<string, string>) => ({
    DATABASE_URL: database.url,
    QUIRE_BOOTSTRAP_KEY: "false",
    // Short enough to keep the kill -9 test quick, long enough that a live worker on a fully
    // loaded CI machine (both cores busy with other test files) is never taken for dead.
    QUIRE_WORKER_DEAD_AFTER_MS: "8000",
    QUIRE_RENDER_WORKERS: "1",
    LOG_LEVEL: "debug",
    ...extra,
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = createPrismaClient(database.url, { poolSize: 2 });
  });
  afterAll(async () => {
    for (const server of servers) await server.stop("SIGKILL");
    await prisma.$disconnect();
    await database.drop();
  });

  it("resumes a batch after kill -9 without recomputing completed stages", async () => {
    const first = await startServerProcess(baseEnv({}));
    servers.push(first);
    const user = await createTestUserWithKey(prisma);
    const files = await Promise.all([16, 12, 8].map(async (pages, i) => ({ name: `doc-${i}.pdf`, bytes: await buildTextPdf({ pages }) })));
    const batchId = await uploadOverHttp(first.url, user.headers.authorization, files);

    // Kill once some stages are done and others are not.
    await waitFor(
      async () => ((await prisma.checkpoint.count({ where: { document: { batchId }, status: "COMPLETED" } })) >= 4 ? true : undefined),
      60_000,
      "some completed stages",
    );
    await first.stop("SIGKILL");
    const before = await prisma.checkpoint.findMany({
      where: { document: { batchId }, status: "COMPLETED" },
      select: { documentId: true, stage: true, attempt: true, finishedAt: true },
    });
    const batchBefore = await prisma.batchJob.findUniqueOrThrow({ where: { id: batchId } });
    expect(TERMINAL).not.toContain(batchBefore.status);

    const second = await startServerProcess(baseEnv({}));
    servers.push(second);
    const batch = await waitFor(
      async () => {
        const row = await prisma.batchJob.findUniqueOrThrow({ where: { id: batchId } });
        return TERMINAL.includes(row.status) ? row : undefined;
      },
      120_000,
      "the batch to finish after restart",
    );
    expect(batch.status).toBe("COMPLETED");
    for (const done of before) {
      const after = await prisma.checkpoint.findUniqueOrThrow({
        where: { documentId_stage: { documentId: done.documentId, stage: done.stage } },
      });
      expect({ stage: after.stage, attempt: after.attempt, finishedAt: after.finishedAt }).toEqual({
        stage: done.stage,
        attempt: 1,
        finishedAt: done.finishedAt,
      });
    }
    await second.stop();
  }, 240_000);

  it("shares one batch between two worker processes without running a stage twice", async () => {
    const api = await startServerProcess(baseEnv({ QUIRE_ROLE: "api" }));
    const workerA = await startServerProcess(baseEnv({ QUIRE_ROLE: "worker", QUIRE_MAX_CONCURRENT_DOCUMENTS: "2" }));
    const workerB = await startServerProcess(baseEnv({ QUIRE_ROLE: "worker", QUIRE_MAX_CONCURRENT_DOCUMENTS: "2" }));
    servers.push(api, workerA, workerB);
    const user = await createTestUserWithKey(prisma);
    // w-5 is long enough that its RENDER outlives QUIRE_WORKER_DEAD_AFTER_MS (8 s): the reaper
    // must recognise the lock of a live worker and leave it alone (attempt stays 1).
    const files = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => ({ name: `w-${i}.pdf`, bytes: await buildTextPdf({ pages: i === 5 ? 120 : 3 + i }) })),
    );
    const batchId = await uploadOverHttp(api.url, user.headers.authorization, files);
    const batch = await waitFor(
      async () => {
        const row = await prisma.batchJob.findUniqueOrThrow({ where: { id: batchId } });
        return TERMINAL.includes(row.status) ? row : undefined;
      },
      120_000,
      "the batch to finish",
    );
    expect(batch.status).toBe("COMPLETED");
    const checkpoints = await prisma.checkpoint.findMany({
      where: { document: { batchId } },
      select: { stage: true, attempt: true, status: true, errorCode: true, document: { select: { filename: true } } },
    });
    expect(checkpoints).toHaveLength(6 * 9);
    expect(checkpoints.filter((c) => c.status !== "COMPLETED" || c.attempt !== 1)).toEqual([]);
    for (const server of [api, workerA, workerB]) expect(server.output()).not.toContain("unlocked jobs of dead workers");
    // Both workers ran stages; the API process ran none.
    const runs = (server: ServerProcess) => server.output().split("\n").filter((line) => line.includes('"msg":"stage run ended"')).length;
    expect(runs(workerA)).toBeGreaterThan(0);
    expect(runs(workerB)).toBeGreaterThan(0);
    expect(runs(api)).toBe(0);
    for (const server of [api, workerA, workerB]) expect(await server.stop()).toBe(0);
  }, 240_000);
});
