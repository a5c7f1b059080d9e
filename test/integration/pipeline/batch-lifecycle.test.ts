import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../../src/db/prisma-client.ts";
import { CheckpointStore } from "../../../src/pipeline/checkpoint-store.ts";
import { StaleAttemptError } from "../../../src/pipeline/stale-attempt-error.ts";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { readBatch, uploadBatch } from "../../helpers/batch-client.ts";
import { batchEnded } from "../../helpers/batch-events.ts";
import { buildTextPdf, buildTruncatedPdf } from "../../helpers/pdf-fixtures.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";

/**
 * Polls: the one wait left here is for a backend to block on a row lock, which PostgreSQL
 * announces to nobody (pg_stat_activity is the only place it shows).
 */
async function until(probe: () => Promise<boolean>, what: string): Promise<void> {
  for (let tries = 0; tries < 600; tries++) {
    if (await probe()) return;
    await sleep(50);
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe("batch lifecycle: every status write a compare-and-set", () => {
  // An API-only app: no worker takes jobs, so the test runs each stage itself, in the order it needs.
  let testApp: TestApp;
  let prisma: PrismaClient;
  let owner: TestUserWithKey;

  beforeAll(async () => {
    testApp = await startTestApp({ env: { QUIRE_ROLE: "api", QUIRE_RENDER_WORKERS: "1" } });
    prisma = testApp.app.services().db.prisma;
    owner = await createTestUserWithKey(prisma);
  });
  afterAll(async () => {
    await testApp.close();
  });

  it("FAIL_ALL: a sibling cancelled while its stage run starts is never written back to RUNNING", async () => {
    const upload = await uploadBatch(
      testApp,
      owner.headers,
      [
        { name: "broken.pdf", bytes: await buildTruncatedPdf() },
        { name: "sibling.pdf", bytes: await buildTextPdf({ pages: 1 }) },
      ],
      { errorStrategy: "FAIL_ALL", stages: ["VALIDATE"] },
    );
    const batchId = upload.data!.uploadBatch.id;
    const documents = await prisma.documentJob.findMany({ where: { batchId }, select: { id: true, filename: true } });
    const sibling = documents.find((d) => d.filename === "sibling.pdf")!.id;
    const broken = documents.find((d) => d.filename === "broken.pdf")!.id;
    // Both jobs were queued in the transaction that created the batch.
    expect(await prisma.$queryRaw<{ key: string }[]>`SELECT key FROM graphile_worker.jobs ORDER BY key`).toEqual(
      [broken, sibling].map((id) => ({ key: `stage:${id}:VALIDATE` })).sort((a, b) => a.key.localeCompare(b.key)),
    );

    // The race of the issue, made deterministic: the sibling's run has read its document as
    // open when FAIL_ALL cancels it (held uncommitted here until the run waits on the row).
    const client = new pg.Client({ connectionString: testApp.database.url });
    await client.connect();
    try {
      await client.query("BEGIN");
      await client.query(
        "UPDATE document_jobs SET status = 'CANCELLED', error_code = 'BATCH_FAILED', finished_at = now() WHERE id = $1",
        [sibling],
      );
      const run = testApp.app.services().pipeline.runStage({ documentId: sibling, stage: "VALIDATE" }, new AbortController().signal);
      await until(
        async () =>
          (await prisma.$queryRaw<{ n: number }[]>`
            SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)[0]!.n > 0,
        "the stage run to wait on the sibling's row",
      );
      await client.query("COMMIT");
      await run;
    } finally {
      await client.end();
    }
    const after = await prisma.documentJob.findUniqueOrThrow({ where: { id: sibling }, include: { checkpoints: true } });
    expect(after.status).toBe("CANCELLED");
    expect(after.checkpoints.map((c) => c.status)).toEqual(["PENDING"]);

    // The broken document fails for real: the batch ends FAILED, and a later run of the
    // sibling (a duplicate delivery) does nothing.
    await testApp.app.services().pipeline.runStage({ documentId: broken, stage: "VALIDATE" }, new AbortController().signal);
    await testApp.app.services().pipeline.runStage({ documentId: sibling, stage: "VALIDATE" }, new AbortController().signal);
    const batch = await prisma.batchJob.findUniqueOrThrow({ where: { id: batchId }, include: { documents: true } });
    expect(batch.status).toBe("FAILED");
    expect(Object.fromEntries(batch.documents.map((d) => [d.filename, d.status]))).toEqual({ "broken.pdf": "FAILED", "sibling.pdf": "CANCELLED" });
  });

  it("cancel fences the running stage: its late writes are refused and the batch stays CANCELLED", async () => {
    const upload = await uploadBatch(testApp, owner.headers, [{ name: "one.pdf", bytes: await buildTextPdf({ pages: 1 }) }], {
      stages: ["VALIDATE"],
    });
    const batchId = upload.data!.uploadBatch.id;
    const [document] = await prisma.documentJob.findMany({ where: { batchId } });
    // A run claims the stage, then the user cancels before it commits.
    const checkpoints = new CheckpointStore(prisma);
    const claim = (await checkpoints.claim(document!.id, "VALIDATE"))!;
    const cancelled = await testApp.graphql<{ cancelBatch: { status: string } }>(
      `mutation ($id: ID!) { cancelBatch(id: $id) { status } }`,
      { id: batchId },
      owner.headers,
    );
    expect(cancelled.data!.cancelBatch.status).toBe("CANCELLED");
    const checkpoint = await prisma.checkpoint.findFirstOrThrow({ where: { documentId: document!.id } });
    expect(checkpoint.status).toBe("CANCELLED");
    await expect(checkpoints.complete(claim, { durationMs: 1 })).rejects.toBeInstanceOf(StaleAttemptError);
    // Retry brings the batch back in one transaction with the job that moves it on.
    expect(await testApp.app.services().batches.retryBatch(owner.userId, batchId)).toMatchObject({ status: "QUEUED" });
    const retried = await prisma.checkpoint.findFirstOrThrow({ where: { documentId: document!.id } });
    expect(retried.status).toBe("PENDING");
    expect(await prisma.$queryRaw<{ key: string }[]>`SELECT key FROM graphile_worker.jobs WHERE key = ${`stage:${document!.id}:VALIDATE`}`).toHaveLength(1);
  });
});

describe("batch lifecycle: work whose job was lost", () => {
  let testApp: TestApp;
  let prisma: PrismaClient;
  let owner: TestUserWithKey;

  beforeAll(async () => {
    testApp = await startTestApp({ env: { QUIRE_WORKER_DEAD_AFTER_MS: "1000", QUIRE_RENDER_WORKERS: "1" } });
    prisma = testApp.app.services().db.prisma;
    owner = await createTestUserWithKey(prisma);
  });
  afterAll(async () => {
    await testApp.close();
  });

  it("finishes a batch left QUEUED without jobs (a crash between creating and enqueueing)", async () => {
    // Exactly what a crash after the creating transaction and before any enqueue left behind.
    const batchId = randomUUID();
    const documentIds = [randomUUID(), randomUUID()];
    const bytes = await buildTextPdf({ pages: 1 });
    const longAgo = new Date(Date.now() - 60_000);
    await prisma.batchJob.create({ data: { id: batchId, userId: owner.userId, stages: ["VALIDATE", "EXTRACT"], createdAt: longAgo } });
    for (const [index, id] of documentIds.entries()) {
      await prisma.documentJob.create({
        data: { id, batchId, userId: owner.userId, filename: `lost-${index}.pdf`, sizeBytes: bytes.byteLength, sha256: `lost-${index}`, createdAt: longAgo },
      });
      await prisma.$executeRaw`INSERT INTO document_contents (document_id, large_object) VALUES (${id}::uuid, lo_from_bytea(0, ${Buffer.from(bytes)}))`;
      await prisma.checkpoint.createMany({ data: ["VALIDATE" as const, "EXTRACT" as const].map((stage) => ({ documentId: id, stage, updatedAt: longAgo })) });
    }
    // The reaper finds the orphans and the batch's end arrives on the event bus.
    expect(await batchEnded(testApp.app.services().events, prisma, batchId)).toBe("COMPLETED");
    const batch = (await readBatch(testApp, owner.headers, batchId))!;
    expect(batch.status).toBe("COMPLETED");
    expect(batch.documents.map((d) => d.stages.map((s) => `${s.stage}:${s.status}:${s.attempts}`))).toEqual([
      ["VALIDATE:COMPLETED:1", "EXTRACT:COMPLETED:1"],
      ["VALIDATE:COMPLETED:1", "EXTRACT:COMPLETED:1"],
    ]);
  });
});
