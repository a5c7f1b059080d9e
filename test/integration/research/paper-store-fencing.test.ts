import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linkCitations } from "../../../src/citations/link-citations.ts";
import type { PrismaClient } from "../../../src/db/prisma-client.ts";
import { CheckpointStore } from "../../../src/pipeline/checkpoint-store.ts";
import { StaleAttemptError } from "../../../src/pipeline/stale-attempt-error.ts";
import { PaperStore, type BatchPaper, type PaperResult } from "../../../src/research/paper-store.ts";
import { createTestUserWithKey } from "../../helpers/auth.ts";
import { createTestPrisma } from "../../helpers/test-database.ts";

const link = (papers: BatchPaper[]) =>
  linkCitations(papers.map((paper) => ({ documentId: paper.documentId, title: paper.metadata.title ?? "", references: paper.references })));

const result = (title: string, references: string[], mentions: string[] = []): PaperResult => ({
  metadata: { title, authors: ["A. Author"], year: 2020 },
  references: references.map((raw, index) => ({ index, raw, authors: [] })),
  mentions: mentions.map((text) => ({ page: 1, text, kind: "SYSTEM", count: 2 })),
});

describe("research results are fenced writes, replaced on retry", () => {
  let db: Awaited<ReturnType<typeof createTestPrisma>>;
  let prisma: PrismaClient;
  let batchId: string;
  const citing = randomUUID();
  const cited = randomUUID();

  beforeAll(async () => {
    db = await createTestPrisma();
    prisma = db.prisma;
    const { userId } = await createTestUserWithKey(prisma);
    batchId = (await prisma.batchJob.create({ data: { userId } })).id;
    for (const id of [citing, cited]) {
      await prisma.documentJob.create({ data: { id, batchId, userId, filename: `${id}.pdf`, sizeBytes: 1, sha256: "x" } });
      await prisma.checkpoint.create({ data: { documentId: id, stage: "CITATIONS" } });
    }
  });
  afterAll(async () => {
    await db.close();
  });

  it("lets only the newest attempt publish, links both ways, and a retry replaces what the last attempt wrote", async () => {
    const checkpoints = new CheckpointStore(prisma);
    const store = new PaperStore(prisma);
    const citedClaim = (await checkpoints.claim(cited, "CITATIONS"))!;
    await store.publish(citedClaim, batchId, result("Consistent hashing and random trees for distributed caching", []), link);

    const stale = (await checkpoints.claim(citing, "CITATIONS"))!;
    const fresh = (await checkpoints.claim(citing, "CITATIONS"))!;
    const entries = ["D. Karger et al. Consistent hashing and random trees for distributed caching. STOC 1997.", "Someone. Another paper entirely. 2001."];
    await expect(store.publish(stale, batchId, result("A stale title", ["x"], ["Stale"]), link)).rejects.toBeInstanceOf(StaleAttemptError);
    expect(await prisma.paperReference.count({ where: { documentId: citing } })).toBe(0);

    const edges = await store.publish(fresh, batchId, result("Chord: a scalable lookup service", entries, ["Chord"]), link);
    expect(edges.map((edge) => [edge.fromDocumentId, edge.toDocumentId, edge.referenceIndex])).toEqual([[citing, cited, 0]]);
    expect(await prisma.citationEdge.count({ where: { batchId } })).toBe(1);

    // The document is retried: a new attempt reads a shorter bibliography and replaces everything.
    await checkpoints.fail(fresh, { code: "X", message: "later stage failed", retrying: true, durationMs: 1 });
    const retry = (await checkpoints.claim(citing, "CITATIONS"))!;
    await store.publish(retry, batchId, result("Chord: a scalable lookup service", [entries[1]!], ["Pastry"]), link);
    expect(await prisma.paperReference.findMany({ where: { documentId: citing }, select: { raw: true } })).toEqual([{ raw: entries[1] }]);
    expect(await prisma.entityMention.findMany({ where: { documentId: citing }, select: { text: true } })).toEqual([{ text: "Pastry" }]);
    expect(await prisma.citationEdge.count({ where: { batchId } })).toBe(0);
    expect((await prisma.paperMetadata.findUniqueOrThrow({ where: { documentId: citing } })).title).toBe("Chord: a scalable lookup service");
  });
});
