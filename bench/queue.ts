/**
 * How fast a queued stage starts: for every document of a batch, the gap between one stage's
 * checkpoint finishing and the next stage's checkpoint starting (enqueue -> LISTEN/NOTIFY ->
 * claim), and from upload to the first stage. Prints p50/p95/max.
 *
 *   npm run bench -- queue [documents, default 10]     # embedded PostgreSQL
 *   DATABASE_URL=postgresql://... npm run bench -- queue
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildApp } from "../src/app.ts";
import { createApiKey } from "../src/auth/api-key-service.ts";
import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/logging/logger.ts";
import { expandStages } from "../src/pipeline/stage-order.ts";
import { buildTextPdf } from "../test/helpers/pdf-fixtures.ts";
import { emitBenchResult } from "./bench-output.ts";
import { percentile, SHARED_MACHINE_NOTE } from "./bench-tools.ts";

const documents = Number(process.argv[2] ?? 10);
const dataDir = await mkdtemp(path.join(os.tmpdir(), "quire-bench-queue-"));
const app = buildApp(
  loadConfig({ ...process.env, PORT: "0", QUIRE_DATA_DIR: dataDir, QUIRE_BOOTSTRAP_KEY: "false", LOG_LEVEL: "silent" }),
  { logger: createLogger("silent") },
);
await app.start({ listen: false });
try {
  const services = app.services();
  const { userId } = await createApiKey(services.db.prisma, { userName: `bench-${Date.now()}`, name: "bench" });
  const bytes = await buildTextPdf({ pages: 2 });
  const stages = ["EXTRACT", "PARSE", "CLEAN", "CHUNK"] as const;
  const files = Array.from({ length: documents }, (_, i) => new File([Buffer.from(bytes)], `doc-${i}.pdf`));
  const batch = await services.batches.createBatch(userId, files, { stages: [...stages] });
  for (;;) {
    const row = await services.db.prisma.batchJob.findUniqueOrThrow({ where: { id: batch.id } });
    if (["COMPLETED", "PARTIAL", "FAILED", "CANCELLED"].includes(row.status)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const plan = expandStages([...stages]);
  const docs = await services.db.prisma.documentJob.findMany({ where: { batchId: batch.id }, include: { checkpoints: true } });
  const handoffs: number[] = [];
  const firstStage: number[] = [];
  for (const doc of docs) {
    const byStage = new Map(doc.checkpoints.map((c) => [c.stage, c]));
    firstStage.push(byStage.get(plan[0]!)!.startedAt!.getTime() - doc.createdAt.getTime());
    for (let i = 1; i < plan.length; i++) {
      handoffs.push(byStage.get(plan[i]!)!.startedAt!.getTime() - byStage.get(plan[i - 1]!)!.finishedAt!.getTime());
    }
  }
  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
    return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${sorted.at(-1)} ms (n=${sorted.length})`;
  };
  console.log(`documents: ${documents}, stages: ${plan.join(" > ")}`);
  console.log(`stage -> next stage started: ${stats(handoffs)}`);
  console.log(`upload -> first stage started: ${stats(firstStage)}`);
  console.log("(gaps include waiting for a free slot: QUIRE_MAX_CONCURRENT_DOCUMENTS documents run at once)");
  await emitBenchResult(
    "queue",
    [
      { name: "handoffP50", value: percentile(handoffs, 0.5), unit: "ms", reference: 20, referenceLabel: "target <", higherIsBetter: false },
      { name: "handoffP95", value: percentile(handoffs, 0.95), unit: "ms", higherIsBetter: false },
      { name: "uploadToFirstStageP50", value: percentile(firstStage, 0.5), unit: "ms", higherIsBetter: false },
    ],
    { documents, stages: plan, note: SHARED_MACHINE_NOTE },
  );
} finally {
  await app.stop();
  await rm(dataDir, { recursive: true, force: true });
}
