import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../../src/db/prisma-client.ts";
import { CheckpointStore } from "../../../src/pipeline/checkpoint-store.ts";
import { DocumentStore } from "../../../src/pipeline/document-store.ts";
import { StaleAttemptError } from "../../../src/pipeline/stale-attempt-error.ts";
import { createTestUserWithKey } from "../../helpers/auth.ts";
import { createTestPrisma } from "../../helpers/test-database.ts";

describe("stage outputs on the document row are fenced", () => {
  let db: Awaited<ReturnType<typeof createTestPrisma>>;
  let prisma: PrismaClient;
  let batchId: string;
  let documentId: string;

  beforeAll(async () => {
    db = await createTestPrisma();
    prisma = db.prisma;
    const { userId } = await createTestUserWithKey(prisma);
    batchId = (await prisma.batchJob.create({ data: { userId } })).id;
    documentId = randomUUID();
    await prisma.documentJob.create({ data: { id: documentId, batchId, userId, filename: "f.pdf", sizeBytes: 1, sha256: "x" } });
    await prisma.checkpoint.createMany({ data: (["VALIDATE", "SUMMARIZE"] as const).map((stage) => ({ documentId, stage })) });
  });
  afterAll(async () => {
    await db.close();
  });

  it("refuses VALIDATE, CLEAN and SUMMARIZE writes of a superseded attempt", async () => {
    const checkpoints = new CheckpointStore(prisma);
    const documents = new DocumentStore(prisma);
    const stale = (await checkpoints.claim(documentId, "VALIDATE"))!;
    const fresh = (await checkpoints.claim(documentId, "VALIDATE"))!;
    await expect(documents.saveValidation(stale, { pageCount: 99, title: "stale" })).rejects.toBeInstanceOf(StaleAttemptError);
    await documents.saveValidation(fresh, { pageCount: 3, title: "Fresh\u0000 title" });

    const staleSummary = (await checkpoints.claim(documentId, "SUMMARIZE"))!;
    await checkpoints.claim(documentId, "SUMMARIZE");
    await expect(documents.saveSummary(staleSummary, "stale summary")).rejects.toBeInstanceOf(StaleAttemptError);
    await expect(documents.saveTitle(staleSummary, "stale title")).rejects.toBeInstanceOf(StaleAttemptError);
    expect(await prisma.documentJob.findUniqueOrThrow({ where: { id: documentId }, select: { pageCount: true, title: true, summary: true } })).toEqual({
      pageCount: 3,
      title: "Fresh title",
      summary: null,
    });
  });
});
