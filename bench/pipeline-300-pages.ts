/**
 * One 300-page paper-like PDF through the real pipeline (every stage, local provider), in this
 * process, on PostgreSQL: a fresh database on DATABASE_URL's server (dropped afterwards), else
 * the embedded server in a temporary folder. RSS of this process and of every render worker is
 * sampled every 100 ms; prints total time, pages/s and peak RSS per stage, and the overall peaks.
 * Flat memory means the peaks do not grow with the page count (compare --pages 100 and 300).
 *
 *   npx node bench/pipeline-300-pages.ts [--pages 300] [--dpi 150] [--workers <cpus>]
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { buildApp } from "../src/app.ts";
import { createApiKey } from "../src/auth/api-key-service.ts";
import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/logging/logger.ts";
import { readProcessRss } from "../src/pdf/process-rss.ts";
import { withDatabaseName } from "../test/helpers/database-urls.ts";
import { buildTextPdf } from "../test/helpers/pdf-fixtures.ts";

const { values } = parseArgs({
  options: {
    pages: { type: "string", default: "300" },
    dpi: { type: "string", default: "150" },
    workers: { type: "string", default: String(availableParallelism()) },
  },
});
const pages = Number(values.pages);
const dpi = Number(values.dpi);
const workers = Number(values.workers);

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const adminUrl = process.env.DATABASE_URL;
const databaseName = `quire_bench_${randomBytes(4).toString("hex")}`;
const dataDir = adminUrl ? undefined : await mkdtemp(join(tmpdir(), "quire-bench-"));
if (adminUrl) await admin(adminUrl, `CREATE DATABASE "${databaseName}"`);

const config = loadConfig({
  ...(adminUrl ? { DATABASE_URL: withDatabaseName(adminUrl, databaseName) } : { QUIRE_DATA_DIR: dataDir }),
  NODE_ENV: "production",
  LOG_LEVEL: "warn",
  QUIRE_BOOTSTRAP_KEY: "false",
  QUIRE_RENDER_WORKERS: String(workers),
  // The worker reaper takes a job locked for longer than this for a dead worker's and runs it
  // again (it heartbeats graphile-worker's worker ids, but jobs are locked by the pool's id), so
  // a long RENDER would be run twice and its figures mixed up. Keep it out of the measurement.
  QUIRE_WORKER_DEAD_AFTER_MS: "3600000",
});
const app = buildApp(config, { logger: createLogger("warn") });
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

interface Sample {
  at: number;
  parent: number;
  childrenSum: number;
  childMax: number;
}
const samples: Sample[] = [];

try {
  const bytes = await buildTextPdf({ pages, references: 20 });
  await app.start({ listen: false });
  const { db, batches, renderPool } = app.services();
  const user = await createApiKey(db.prisma, { userName: "bench", name: "bench" });
  const parentBaseline = process.memoryUsage().rss;

  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const rss = await Promise.all(
        renderPool.stats().workers.map(async (worker) => (worker.pid === undefined ? undefined : readProcessRss(worker.pid))),
      );
      const children = rss.filter((value): value is number => value !== undefined);
      samples.push({
        at: Date.now(),
        parent: process.memoryUsage().rss,
        childrenSum: children.reduce((sum, value) => sum + value, 0),
        childMax: Math.max(0, ...children),
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();

  const started = performance.now();
  const batch = await batches.createBatch(user.userId, [new File([Buffer.from(bytes)], "bench.pdf", { type: "application/pdf" })], { renderDpi: dpi });
  let status: string = batch.status;
  while (["QUEUED", "RUNNING"].includes(status)) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    ({ status } = await db.prisma.batchJob.findUniqueOrThrow({ where: { id: batch.id }, select: { status: true } }));
  }
  const totalSeconds = (performance.now() - started) / 1000;
  sampling = false;
  await sampler;

  const document = await db.prisma.documentJob.findFirstOrThrow({ where: { batchId: batch.id } });
  const checkpoints = await db.prisma.checkpoint.findMany({ where: { documentId: document.id } });
  const order = ["VALIDATE", "RENDER", "EXTRACT", "PARSE", "CLEAN", "SUMMARIZE", "CHUNK", "EMBED", "CITATIONS"];
  checkpoints.sort((a, b) => order.indexOf(a.stage) - order.indexOf(b.stage));
  const peak = (list: Sample[], key: keyof Omit<Sample, "at">) => Math.max(0, ...list.map((sample) => sample[key]));
  // No sample in a stage's window: it was shorter than the sampling period, or blocked this event loop throughout.
  const peakOrDash = (list: Sample[], key: keyof Omit<Sample, "at">) => (list.length ? mb(peak(list, key)) : "-");

  console.log(`pipeline-300-pages: ${pages} pages, ${(bytes.byteLength / 1024).toFixed(0)} KB PDF, ${dpi} DPI, ${workers} render workers, ${adminUrl ? "DATABASE_URL server" : "embedded PostgreSQL"}`);
  console.log(`  document ${document.status}${document.errorCode ? ` (${document.errorCode})` : ""} in ${totalSeconds.toFixed(1)} s: ${(pages / totalSeconds).toFixed(1)} pages/s end to end`);
  console.log("  stage       seconds  pages/s  attempts  peak RSS parent  peak RSS workers (sum)");
  for (const checkpoint of checkpoints) {
    const from = checkpoint.startedAt?.getTime() ?? 0;
    const to = checkpoint.finishedAt?.getTime() ?? from;
    const during = samples.filter((sample) => sample.at >= from && sample.at <= to);
    const seconds = (checkpoint.durationMs ?? 0) / 1000;
    const rate = checkpoint.pagesTotal && seconds > 0 ? (checkpoint.pagesTotal / seconds).toFixed(1) : "-";
    console.log(
      `  ${checkpoint.stage.padEnd(10)} ${seconds.toFixed(2).padStart(8)} ${rate.padStart(8)} ${String(checkpoint.attempt).padStart(9)}` +
        `  ${peakOrDash(during, "parent").padStart(15)}  ${peakOrDash(during, "childrenSum").padStart(22)}` +
        `${checkpoint.warnings.length ? `  warnings: ${checkpoint.warnings.join("; ")}` : ""}`,
    );
  }
  console.log(`  peak RSS parent: ${mb(peak(samples, "parent"))} (${mb(parentBaseline)} after start, before the batch)`);
  console.log(`  peak RSS one render worker: ${mb(peak(samples, "childMax"))}, all workers together: ${mb(peak(samples, "childrenSum"))}`);
} finally {
  await app.stop();
  if (adminUrl) await admin(adminUrl, `DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}
