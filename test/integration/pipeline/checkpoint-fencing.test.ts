import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../../src/db/prisma-client.ts";
import { CheckpointStore } from "../../../src/pipeline/checkpoint-store.ts";
import { PageStore } from "../../../src/pipeline/page-store.ts";
import { StaleAttemptError } from "../../../src/pipeline/stale-attempt-error.ts";
import { createTestUserWithKey } from "../../helpers/auth.ts";
import { createTestPrisma } from "../../helpers/test-database.ts";

describe("checkpoint fencing", () => {
  let db: Awaited<ReturnType<typeof createTestPrisma>>;
  let prisma: PrismaClient;
  let documentId: string;

  beforeAll(async () => {
    db = await createTestPrisma();
    prisma = db.prisma;
    const { userId } = await createTestUserWithKey(prisma);
    const batch = await prisma.batchJob.create({ data: { userId } });
    documentId = randomUUID();
    await prisma.documentJob.create({ data: { id: documentId, batchId: batch.id, userId, filename: "f.pdf", sizeBytes: 1, sha256: "x" } });
    await prisma.checkpoint.createMany({ data: [{ documentId, stage: "RENDER" }, { documentId, stage: "PARSE" }] });
    await new PageStore(prisma).createPages(documentId, 2);
  });
  afterAll(async () => {
    await db.close();
  });

  it("lets only the newest attempt write, even when the older worker is still alive", async () => {
    const checkpoints = new CheckpointStore(prisma);
    const pages = new PageStore(prisma);
    const stale = (await checkpoints.claim(documentId, "RENDER"))!;
    // The job is reclaimed (its worker looked dead) and claimed again elsewhere.
    const fresh = (await checkpoints.claim(documentId, "RENDER"))!;
    expect([stale.attempt, fresh.attempt]).toEqual([1, 2]);

    const png = new Uint8Array([1, 2, 3]);
    await expect(pages.saveRender(stale, { number: 1, width: 1, height: 1, dpiUsed: 72, png })).rejects.toBeInstanceOf(StaleAttemptError);
    await expect(checkpoints.complete(stale, { durationMs: 1 })).rejects.toBeInstanceOf(StaleAttemptError);
    expect(await checkpoints.fail(stale, { code: "X", message: "late", retrying: false, durationMs: 1 })).toBe(false);

    await pages.saveRender(fresh, { number: 1, width: 10, height: 20, dpiUsed: 150, png });
    await checkpoints.complete(fresh, { durationMs: 5, output: { ok: true } });
    const row = await prisma.checkpoint.findUniqueOrThrow({ where: { documentId_stage: { documentId, stage: "RENDER" } } });
    expect(row).toMatchObject({ status: "COMPLETED", attempt: 2, output: { ok: true } });
    expect(await pages.pendingPages(documentId, "RENDER")).toEqual([2]);
    // A completed stage is never claimed (and so never recomputed) again.
    expect(await checkpoints.claim(documentId, "RENDER")).toBeNull();
  });

  it("fences bulk page writes too", async () => {
    const checkpoints = new CheckpointStore(prisma);
    const pages = new PageStore(prisma);
    const stale = (await checkpoints.claim(documentId, "PARSE"))!;
    await checkpoints.claim(documentId, "PARSE");
    await expect(pages.saveMarkdown(stale, "PARSE", [{ number: 1, text: "# stale" }])).rejects.toBeInstanceOf(StaleAttemptError);
    expect((await pages.column(documentId, "markdown"))[0]!.value).toBe("");
  });
});
