/**
 * FAIL_ALL over many runs: twenty small batches at once through the real pipeline, one broken
 * document in each. Whatever the interleaving, no sibling reaches COMPLETED after its batch's
 * failure was recorded, every batch ends FAILED, and the progress the subscription publishes
 * never goes backwards.
 */
import { createClient as createSseClient } from "graphql-sse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../../src/db/prisma-client.ts";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { uploadBatch } from "../../helpers/batch-client.ts";
import { buildTextPdf, buildTruncatedPdf } from "../../helpers/pdf-fixtures.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";

const RUNS = 20;

interface ProgressEvent {
  kind: string;
  batch: { status: string; progress: number };
  document: { id: string; status: string } | null;
}

const SUBSCRIPTION = `subscription ($id: ID!) { batchProgress(batchId: $id) { kind batch { status progress } document { id status } } }`;

describe("FAIL_ALL over many runs", () => {
  let testApp: TestApp;
  let prisma: PrismaClient;
  let user: TestUserWithKey;

  beforeAll(async () => {
    testApp = await startTestApp({
      listen: true,
      env: { QUIRE_MAX_CONCURRENT_BATCHES_PER_USER: String(RUNS), QUIRE_USER_RPM: "100000", QUIRE_RENDER_WORKERS: "1", QUIRE_TEXT_WORKERS: "1" },
    });
    prisma = testApp.app.services().db.prisma;
    user = await createTestUserWithKey(prisma);
  });
  afterAll(async () => {
    await testApp.close();
  });

  // VALIDATE alone: siblings end at the very moment the broken file fails, the tightest race;
  // up to CHUNK: siblings are mid-stage, queued or done when it fails.
  it.each([
    { plan: ["VALIDATE"], siblings: 4 },
    { plan: ["CHUNK"], siblings: 2 },
  ])("never completes a sibling after the failure, and progress never goes back (stages $plan)", { timeout: 240_000 }, async ({ plan, siblings }) => {
    const url = `http://127.0.0.1:${testApp.app.address()!.port}/graphql`;
    const sse = createSseClient({ url, headers: user.headers, retryAttempts: 0 });
    // Siblings of different lengths (1 and 4 pages).
    const files = [
      { name: "broken.pdf", bytes: await buildTruncatedPdf(2_000) },
      ...(await Promise.all(Array.from({ length: siblings }, async (_, i) => ({ name: `sibling-${i}.pdf`, bytes: await buildTextPdf({ pages: 1 + 3 * (i % 2) }) })))),
    ];

    const runs = await Promise.all(
      Array.from({ length: RUNS }, async () => {
        const upload = await uploadBatch(testApp, user.headers, files, { errorStrategy: "FAIL_ALL", stages: plan });
        expect(upload.errors).toBeUndefined();
        const batchId = upload.data!.uploadBatch.id;
        const events: ProgressEvent[] = [];
        for await (const result of sse.iterate({ query: SUBSCRIPTION, variables: { id: batchId } })) {
          if (result.errors) throw new Error(JSON.stringify(result.errors));
          events.push((result.data as { batchProgress: ProgressEvent }).batchProgress);
        }
        return { batchId, events };
      }),
    );
    sse.dispose();

    let siblingsCancelled = 0;
    for (const { batchId, events } of runs) {
      const batch = await prisma.batchJob.findUniqueOrThrow({ where: { id: batchId }, include: { documents: { include: { checkpoints: true } } } });
      expect(batch.status).toBe("FAILED");
      const broken = batch.documents.find((d) => d.filename === "broken.pdf")!;
      expect(broken.status).toBe("FAILED");
      for (const sibling of batch.documents.filter((d) => d !== broken)) {
        expect(["COMPLETED", "CANCELLED"]).toContain(sibling.status);
        // Both ends are written under the batch row's lock, so their times follow commit order.
        if (sibling.status === "COMPLETED") expect(sibling.finishedAt!.getTime()).toBeLessThanOrEqual(broken.finishedAt!.getTime());
        else siblingsCancelled++;
        // The cancel fenced whatever stage was running: nothing is left RUNNING.
        expect(sibling.checkpoints.filter((c) => c.status === "RUNNING")).toEqual([]);
      }

      // What subscribers saw: nothing COMPLETED after the failure, progress never lower.
      const failedAt = events.findIndex((e) => e.kind === "DOCUMENT_FINISHED" && e.document?.id === broken.id);
      if (failedAt >= 0) {
        const after = events.slice(failedAt + 1).filter((e) => e.kind === "DOCUMENT_FINISHED" && e.document?.status === "COMPLETED");
        expect(after).toEqual([]);
      }
      const progress = events.map((e) => e.batch.progress);
      for (let i = 1; i < progress.length; i++) expect(progress[i]!, `batch ${batchId} events ${i - 1} -> ${i}`).toBeGreaterThanOrEqual(progress[i - 1]!);
      expect(events.at(-1)!.batch.status).toBe("FAILED");
    }
    // The runs exercised the cancel path, not only siblings that happened to finish first.
    expect(siblingsCancelled).toBeGreaterThan(0);
  });
});
