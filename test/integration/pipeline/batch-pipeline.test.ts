import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { readBatch, uploadBatch, waitForBatch } from "../../helpers/batch-client.ts";
import { buildTextPdf, buildTruncatedPdf, TEXT_FIXTURE } from "../../helpers/pdf-fixtures.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";

describe("document batches through the pipeline", () => {
  let testApp: TestApp;
  let owner: TestUserWithKey;
  let stranger: TestUserWithKey;
  let report: Uint8Array;

  beforeAll(async () => {
    testApp = await startTestApp({ env: { QUIRE_RENDER_WORKERS: "2", QUIRE_STAGE_BACKOFF_MS: "50" } });
    const prisma = testApp.app.services().db.prisma;
    owner = await createTestUserWithKey(prisma);
    stranger = await createTestUserWithKey(prisma);
    report = await buildTextPdf({ pages: 3 });
  });
  afterAll(async () => {
    await testApp.close();
  });

  it("runs every stage of every document and reports real results", async () => {
    const small = await buildTextPdf({ pages: 1, references: 2 });
    const upload = await uploadBatch(testApp, owner.headers, [
      { name: "report.pdf", bytes: report },
      { name: "note.pdf", bytes: small },
    ], { label: "first" });
    expect(upload.errors).toBeUndefined();
    expect(upload.data!.uploadBatch.documentCount).toBe(2);
    // Workers may already have picked it up by the time the mutation answers.
    expect(["QUEUED", "RUNNING"]).toContain(upload.data!.uploadBatch.status);

    const batch = await waitForBatch(testApp, owner.headers, upload.data!.uploadBatch.id);
    expect(batch).toMatchObject({ status: "COMPLETED", progress: 1, completedCount: 2, failedCount: 0 });
    const doc = batch.documents.find((d) => d.filename === "report.pdf")!;
    expect(doc.pageCount).toBe(3);
    expect(doc.summary?.length).toBeGreaterThan(20);
    expect(doc.stages.map((s) => s.stage)).toEqual([
      "VALIDATE", "RENDER", "EXTRACT", "PARSE", "CLEAN", "SUMMARIZE", "CHUNK", "EMBED", "CITATIONS",
    ]);
    for (const stage of doc.stages) expect(stage).toMatchObject({ status: "COMPLETED", attempts: 1 });
    expect(doc.stages.find((s) => s.stage === "RENDER")).toMatchObject({ pagesDone: 3, pagesTotal: 3 });

    const detail = await testApp.graphql<{
      document: { pages: { number: number; markdown: string; imageUrl: string | null }[]; chunks: { index: number; text: string }[] };
    }>(`query ($id: ID!) { document(id: $id) { pages { number markdown imageUrl } chunks { index text } } }`, { id: doc.id }, owner.headers);
    const pages = detail.data!.document.pages;
    expect(pages).toHaveLength(3);
    // PARSE found the big heading; CLEAN removed the running header and joined the hyphenated word.
    expect(pages[0]!.markdown).toMatch(/^#{1,3} .*Section 1/m);
    expect(pages.map((p) => p.markdown).join("\n")).not.toContain(TEXT_FIXTURE.runningHeader);
    expect(pages[0]!.markdown).toContain(TEXT_FIXTURE.hyphenated.word);
    expect(pages[0]!.imageUrl).toBe(`/documents/${doc.id}/pages/1`);
    expect(detail.data!.document.chunks.length).toBeGreaterThan(0);

    const prisma = testApp.app.services().db.prisma;
    // RENDER records where its page time went, for every page it rendered.
    const render = await prisma.checkpoint.findUniqueOrThrow({ where: { documentId_stage: { documentId: doc.id, stage: "RENDER" } } });
    const timing = (render.output as { timing: { pages: number; drawMs: number; encodeMs: number; storeMs: number; wallMs: number } }).timing;
    expect(timing.pages).toBe(3);
    expect(timing.drawMs).toBeGreaterThan(0);
    expect(timing.encodeMs).toBeGreaterThan(0);
    expect(timing.wallMs).toBeGreaterThanOrEqual(timing.storeMs);
    const embedded = await prisma.chunk.findMany({ where: { documentId: doc.id }, select: { embedding: true } });
    expect(embedded.every((chunk) => chunk.embedding.length > 0)).toBe(true);
    const ledger = await prisma.providerCall.count({ where: { subjectId: doc.id, purpose: "pipeline.embed" } });
    expect(ledger).toBeGreaterThan(0);
  });

  it("rejects a bad upload as a whole, naming every offending file, and stores nothing", async () => {
    const before = await testApp.app.services().db.prisma.documentJob.count();
    const result = await uploadBatch(testApp, owner.headers, [
      { name: "fine.pdf", bytes: report },
      { name: "notes.txt", bytes: new TextEncoder().encode("just text") },
      { name: "empty.pdf", bytes: new Uint8Array() },
    ]);
    expect(result.data?.uploadBatch ?? null).toBeNull();
    const error = result.errors![0]!;
    expect(error.extensions?.code).toBe("INVALID_UPLOAD");
    expect(error.message).toContain("notes.txt");
    expect(error.message).toContain("empty.pdf");
    expect(error.message).not.toContain("fine.pdf");
    expect((error.extensions?.issues as { code: string }[]).map((i) => i.code).sort()).toEqual(["EMPTY_FILE", "NOT_A_PDF"]);
    expect(await testApp.app.services().db.prisma.documentJob.count()).toBe(before);
  });

  it("keeps long and unusual filenames intact, as text", async () => {
    const name = `Quarterly report of the finance department — ${"é".repeat(40)} <b>final<b> &amp; ${"x".repeat(100)}.pdf`;
    const upload = await uploadBatch(testApp, owner.headers, [{ name, bytes: report }], { stages: ["VALIDATE"] });
    expect(upload.errors).toBeUndefined();
    expect((upload.data!.uploadBatch.documents as { filename: string }[])[0]!.filename).toBe(name);
  });

  it("rejects dependency cycles and unknown names before storing anything", async () => {
    const cycle = await uploadBatch(testApp, owner.headers, [
      { name: "a.pdf", bytes: report },
      { name: "b.pdf", bytes: report },
    ], { dependencies: [{ filename: "a.pdf", dependsOn: ["b.pdf"] }, { filename: "b.pdf", dependsOn: ["a.pdf"] }] });
    expect(cycle.errors![0]!.extensions?.code).toBe("INVALID_DEPENDENCIES");
    expect(cycle.errors![0]!.message).toMatch(/cycle/);
    const unknown = await uploadBatch(testApp, owner.headers, [{ name: "a.pdf", bytes: report }], {
      dependencies: [{ filename: "a.pdf", dependsOn: ["missing.pdf"] }],
    });
    expect(unknown.errors![0]!.message).toContain("missing.pdf");
  });

  it("fails a corrupt document with a specific code while the others complete (CONTINUE)", async () => {
    const upload = await uploadBatch(testApp, owner.headers, [
      { name: "good.pdf", bytes: report },
      { name: "broken.pdf", bytes: await buildTruncatedPdf() },
    ]);
    const batch = await waitForBatch(testApp, owner.headers, upload.data!.uploadBatch.id);
    expect(batch.status).toBe("PARTIAL");
    const broken = batch.documents.find((d) => d.filename === "broken.pdf")!;
    expect(broken.status).toBe("FAILED");
    expect(broken.error?.code).toBe("PDF_CORRUPT");
    expect(broken.stages.find((s) => s.stage === "VALIDATE")).toMatchObject({ status: "FAILED", attempts: 1 });
    // The stages it never reached read SKIPPED, not PENDING.
    expect(new Set(broken.stages.filter((s) => s.stage !== "VALIDATE").map((s) => `${s.status}:${s.attempts}`))).toEqual(new Set(["SKIPPED:0"]));
    expect(batch.documents.find((d) => d.filename === "good.pdf")!.status).toBe("COMPLETED");
  });

  it("cancels the rest of a FAIL_ALL batch on the first failure", async () => {
    const upload = await uploadBatch(testApp, owner.headers, [
      { name: "broken.pdf", bytes: await buildTruncatedPdf() },
      { name: "late.pdf", bytes: report },
    ], { errorStrategy: "FAIL_ALL", dependencies: [{ filename: "late.pdf", dependsOn: ["broken.pdf"] }] });
    const batch = await waitForBatch(testApp, owner.headers, upload.data!.uploadBatch.id);
    expect(batch.status).toBe("FAILED");
    const late = batch.documents.find((d) => d.filename === "late.pdf")!;
    expect(["CANCELLED", "FAILED"]).toContain(late.status);
    expect(late.stages.every((s) => s.attempts === 0)).toBe(true);
  });

  it("runs a dependent document only after what it depends on completed", async () => {
    const upload = await uploadBatch(testApp, owner.headers, [
      { name: "second.pdf", bytes: report },
      { name: "first.pdf", bytes: await buildTextPdf({ pages: 2 }) },
    ], { dependencies: [{ filename: "second.pdf", dependsOn: ["first.pdf"] }] });
    const batch = await waitForBatch(testApp, owner.headers, upload.data!.uploadBatch.id);
    expect(batch.status).toBe("COMPLETED");
    const prisma = testApp.app.services().db.prisma;
    const rows = await prisma.documentJob.findMany({ where: { batchId: batch.id }, select: { filename: true, startedAt: true, finishedAt: true } });
    const first = rows.find((r) => r.filename === "first.pdf")!;
    const second = rows.find((r) => r.filename === "second.pdf")!;
    expect(second.startedAt!.getTime()).toBeGreaterThanOrEqual(first.finishedAt!.getTime());
  });

  it("cancels queued work, keeps finished work, and retries from the last checkpoint", async () => {
    const big = await buildTextPdf({ pages: 12 });
    const upload = await uploadBatch(testApp, owner.headers, [{ name: "big.pdf", bytes: big }], { stages: ["EXTRACT", "PARSE", "CLEAN", "CHUNK"] });
    const id = upload.data!.uploadBatch.id;
    await waitForBatch(testApp, owner.headers, id, { until: (b) => b.documents[0]!.stages.some((s) => s.stage === "RENDER" ? false : s.status === "COMPLETED" && s.stage === "VALIDATE") });
    const cancelled = await testApp.graphql<{ cancelBatch: { status: string } }>(`mutation ($id: ID!) { cancelBatch(id: $id) { status } }`, { id }, owner.headers);
    expect(cancelled.data!.cancelBatch.status).toBe("CANCELLED");
    const afterCancel = await readBatch(testApp, owner.headers, id);
    expect(afterCancel!.documents[0]!.status).toBe("CANCELLED");
    expect(afterCancel!.documents[0]!.stages.find((s) => s.stage === "VALIDATE")!.status).toBe("COMPLETED");

    const retried = await testApp.graphql<{ retryBatch: { status: string } }>(`mutation ($id: ID!) { retryBatch(id: $id) { status } }`, { id }, owner.headers);
    expect(retried.errors).toBeUndefined();
    const batch = await waitForBatch(testApp, owner.headers, id);
    expect(batch.status).toBe("COMPLETED");
    const stages = batch.documents[0]!.stages;
    expect(stages.map((s) => s.stage)).toEqual(["VALIDATE", "EXTRACT", "PARSE", "CLEAN", "CHUNK"]);
    // VALIDATE finished before the cancel and was not run again.
    expect(stages.find((s) => s.stage === "VALIDATE")!.attempts).toBe(1);
  });

  it("answers another user's ids exactly like unknown ids, with no side effect", async () => {
    const upload = await uploadBatch(testApp, owner.headers, [{ name: "mine.pdf", bytes: report }], { stages: ["VALIDATE"] });
    const id = upload.data!.uploadBatch.id;
    await waitForBatch(testApp, owner.headers, id);
    const unknownId = "00000000-0000-4000-8000-000000000000";
    for (const target of [id, unknownId]) {
      expect((await readBatch(testApp, stranger.headers, target))).toBeNull();
      const cancel = await testApp.graphql(`mutation ($id: ID!) { cancelBatch(id: $id) { status } }`, { id: target }, stranger.headers);
      expect(cancel.errors![0]!.extensions?.code).toBe("NOT_FOUND");
      expect(cancel.errors![0]!.message).toBe("Batch not found");
    }
    expect((await readBatch(testApp, owner.headers, id))!.status).toBe("COMPLETED");
    const list = await testApp.graphql<{ batches: { edges: unknown[] } }>(`{ batches(first: 50) { edges { node { id } } } }`, {}, stranger.headers);
    expect(list.data!.batches.edges).toHaveLength(0);
  });
});
