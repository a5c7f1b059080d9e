/**
 * Full-pipeline throughput against the render pool's own pace, in one run on the same files:
 * first the raw rate of a render pool (as many workers as cores, JPEG as the server stores it)
 * rendering and extracting every page with nothing else around it; then a full batch (every
 * stage, local provider) through a real server process. Also how busy the cores were during
 * the batch: Quire's own CPU time (server and render workers) over wall time × cores, and the
 * whole machine's (other work on a shared machine included).
 *
 *   npm run bench -- pipeline [--pages 40] [--dpi 150]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config.ts";
import { RenderPool } from "../src/pdf/render-pool.ts";
import { uploadOverHttp } from "../test/helpers/server-process.ts";
import { emitBenchResult } from "./bench-output.ts";
import { startBenchServer } from "./bench-server.ts";
import { benchPdfs, machineCpuReading, processTreeUsage, SHARED_MACHINE_NOTE, type BenchPdf } from "./bench-tools.ts";

const { values } = parseArgs({ options: { pages: { type: "string", default: "40" }, dpi: { type: "string", default: "150" } } });
const dpi = Number(values.dpi);
const cores = availableParallelism();
const { pipeline: settings } = loadConfig();

/** Pages/s of a bare render pool rendering and extracting every page of `files`. */
async function rawPoolRate(files: BenchPdf[]): Promise<number> {
  const pool = new RenderPool({ size: cores, nice: settings.workerNice, imageEncoding: { format: settings.pageImageFormat, quality: settings.pageImageQuality } });
  try {
    const pages = files.flatMap((file) => Array.from({ length: file.pages }, (_, i) => ({ documentKey: file.name, bytes: file.bytes, pageNumber: i + 1 })));
    const started = performance.now();
    await Promise.all(pages.map(async (page) => {
      await pool.renderPage({ ...page, dpi });
      await pool.extractPage(page);
    }));
    return pages.length / ((performance.now() - started) / 1000);
  } finally {
    await pool.close();
  }
}

const scratch = await mkdtemp(path.join(tmpdir(), "quire-bench-pipeline-"));
try {
  const files = await benchPdfs(Number(values.pages), scratch);
  const raw = await rawPoolRate(files);
  const server = await startBenchServer({ QUIRE_RENDER_WORKERS: String(cores) });
  try {
    const cpuBefore = processTreeUsage(server.pid).cpuSeconds;
    const machineBefore = machineCpuReading();
    const started = performance.now();
    const batchId = await uploadOverHttp(server.url, server.authorization, files.map((file) => ({ name: file.name, bytes: file.bytes })), { renderDpi: dpi });
    const status = await server.waitForBatch(batchId, 250);
    const seconds = (performance.now() - started) / 1000;
    const quireBusy = (processTreeUsage(server.pid).cpuSeconds - cpuBefore) / (seconds * cores);
    const machineAfter = machineCpuReading();
    const machineBusy = (machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total);
    const pages = files.reduce((sum, file) => sum + file.pages, 0);
    const rate = pages / seconds;
    await emitBenchResult(
      "pipeline",
      [
        { name: "batchPagesPerSecond", value: rate, unit: "pages/s", reference: raw, referenceLabel: `render pool alone, render+extract, ${cores} workers`, higherIsBetter: true },
        { name: "ratioToRawPool", value: rate / raw, unit: "x", reference: 0.8, referenceLabel: "target ≥", higherIsBetter: true },
        { name: "quireCpuBusy", value: quireBusy * 100, unit: "%", reference: 85, referenceLabel: "target > (all cores)", higherIsBetter: true },
        { name: "machineCpuBusy", value: machineBusy * 100, unit: "%", higherIsBetter: true },
      ],
      { files: files.length, pages, batchStatus: status, batchSeconds: Math.round(seconds * 10) / 10, dpi, cores, note: SHARED_MACHINE_NOTE },
    );
  } finally {
    await server.stop();
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
