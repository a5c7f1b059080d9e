import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestApp } from "../../helpers/test-app.ts";
import { uploadBatch, waitForBatch, type BatchView } from "../../helpers/batch-client.ts";

// The shared corpus lives beside the checkout (../shared relative to the repository root).
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const papersDir = path.resolve(repoRoot, "../shared/corpus/papers");
export const havePapers = existsSync(path.join(papersDir, "papers.tsv"));

/** Uploads shared papers as one batch that runs only what CITATIONS (and EMBED) need, and waits for it. */
export async function runPapers(
  testApp: TestApp,
  headers: Record<string, string>,
  files: string[],
  { stages = ["CITATIONS"], timeoutMs = 240_000 }: { stages?: string[]; timeoutMs?: number } = {},
): Promise<BatchView> {
  const upload = await uploadBatch(
    testApp,
    headers,
    files.map((name) => ({ name, bytes: new Uint8Array(readFileSync(path.join(papersDir, name))) })),
    { stages, label: "papers" },
  );
  if (upload.errors) throw new Error(JSON.stringify(upload.errors));
  return waitForBatch(testApp, headers, upload.data!.uploadBatch.id, { timeoutMs });
}

/**
 * Waits on the batch's events until a research refresh ended and `done` holds. `done` is also
 * checked once right after subscribing, so an outcome reached before that is not missed.
 */
export async function awaitResearch(
  testApp: TestApp,
  batchId: string,
  done: (outcome: "RESEARCH_UPDATED" | "RESEARCH_FAILED" | undefined) => boolean | Promise<boolean>,
): Promise<void> {
  const subscription = testApp.app.services().events.subscribe("batch", batchId);
  try {
    if (await done(undefined)) return;
    for await (const message of subscription) {
      if ((message.kind === "RESEARCH_UPDATED" || message.kind === "RESEARCH_FAILED") && (await done(message.kind))) return;
    }
  } finally {
    await subscription.return();
  }
}
