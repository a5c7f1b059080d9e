/**
 * Render throughput against MuPDF, on the same files, in one run: `mutool draw -r <dpi>` (PNG,
 * one process per core), then Quire end to end (upload, VALIDATE and RENDER through a real
 * server process with as many render workers as cores), then MuPDF again; the reference is the
 * mean of the two MuPDF runs so load drifting during the run weighs on both sides alike. MuPDF
 * runs at the niceness Quire gives its render workers (QUIRE_WORKER_NICE, default 10), so on a
 * shared machine both sides compete for the CPU alike. CPU seconds per page are reported too:
 * unlike pages/s they hardly move with the machine's load.
 * Then, on a few pages in a one-worker pool: time per page and size for JPEG and PNG, and the
 * JPEG's PSNR against the lossless PNG (the quality the default costs).
 *
 *   npm run bench -- render [--pages 80] [--dpi 150] [--format jpeg|png]
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { loadConfig } from "../src/config.ts";
import { RenderPool } from "../src/pdf/render-pool.ts";
import { uploadOverHttp } from "../test/helpers/server-process.ts";
import { emitBenchResult } from "./bench-output.ts";
import { startBenchServer } from "./bench-server.ts";
import { benchPdfs, ensureReferenceTools, processCpuSeconds, processTreeUsage, SHARED_MACHINE_NOTE, type BenchPdf } from "./bench-tools.ts";

const { values } = parseArgs({
  options: {
    pages: { type: "string", default: "80" },
    dpi: { type: "string", default: "150" },
    format: { type: "string", default: "jpeg" },
    "sample-pages": { type: "string", default: "4" },
  },
});
const dpi = Number(values.dpi);
const cores = availableParallelism();
const format = values.format === "png" ? "png" : "jpeg";

ensureReferenceTools();
const scratch = await mkdtemp(path.join(tmpdir(), "quire-bench-render-"));

// The niceness a server started from this environment would give its render workers.
const nice = loadConfig().pipeline.workerNice;

/** Runs `mutool draw` on one file under `nice`; resolves with its CPU seconds (bash's `times`). */
function mutoolDraw(file: string, output: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const script = 'nice -n "$1" mutool draw -q -r "$2" -o "$3" "$4"; times';
    const child = spawn("bash", ["-c", script, "bash", String(nice), String(dpi), output, file], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.once("error", reject);
    child.once("exit", () => {
      // Second line of `times`: the children's user and system time, e.g. "0m1.234s 0m0.056s".
      const seconds = [...(out.trim().split("\n")[1] ?? "").matchAll(/(\d+)m([\d.]+)s/g)].reduce(
        (sum, match) => sum + Number(match[1]) * 60 + Number(match[2]),
        0,
      );
      resolve(seconds);
    });
  });
}

/** Pages/s and CPU s/page of `mutool draw` over `files`, `cores` processes each taking the next file. */
async function mupdf(files: BenchPdf[]): Promise<{ pagesPerSecond: number; cpuPerPage: number }> {
  const queue = [...files];
  let cpu = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: cores }, async (_, lane) => {
      for (let file = queue.shift(); file; file = queue.shift()) {
        cpu += await mutoolDraw(file.path, path.join(scratch, `lane${lane}-%d.png`));
      }
    }),
  );
  const pages = files.reduce((sum, file) => sum + file.pages, 0);
  return { pagesPerSecond: pages / ((performance.now() - started) / 1000), cpuPerPage: cpu / pages };
}

/** Pages/s of Quire from the upload's first byte to the batch's end, and the stored bytes a page. */
async function quire(files: BenchPdf[]) {
  // LOG_LEVEL info: each RENDER run logs where its page time went ("render timing").
  const server = await startBenchServer({ QUIRE_RENDER_WORKERS: String(cores), QUIRE_PAGE_IMAGE_FORMAT: format, QUIRE_WORKER_NICE: String(nice), LOG_LEVEL: "info" });
  try {
    const cpuBefore = processTreeUsage(server.pid).cpuSeconds;
    const serverCpuBefore = processCpuSeconds(server.pid);
    const started = performance.now();
    const batchId = await uploadOverHttp(
      server.url,
      server.authorization,
      files.map((file) => ({ name: file.name, bytes: file.bytes })),
      { stages: ["VALIDATE", "RENDER"], renderDpi: dpi },
    );
    // Polled gently: the query costs the server CPU that would otherwise render.
    const status = await server.waitForBatch(batchId, 250);
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = processTreeUsage(server.pid).cpuSeconds - cpuBefore;
    const serverCpuSeconds = processCpuSeconds(server.pid) - serverCpuBefore;
    const { batch } = await server.graphql<{ batch: { documents: { pageCount: number | null; pages: { imageUrl: string | null }[] }[] } }>(
      "query ($id: ID!) { batch(id: $id) { documents { pageCount pages { imageUrl } } } }",
      { id: batchId },
    );
    const pages = batch.documents.reduce((sum, doc) => sum + (doc.pageCount ?? 0), 0);
    const urls = batch.documents.flatMap((doc) => doc.pages.map((page) => page.imageUrl)).filter((url): url is string => url !== null);
    let bytes = 0;
    for (const url of urls) {
      const response = await fetch(`${server.url}${url}`, { method: "HEAD", headers: { authorization: server.authorization } });
      bytes += Number(response.headers.get("content-length") ?? 0);
    }
    return {
      pagesPerSecond: pages / seconds,
      cpuPerPage: cpuSeconds / pages,
      serverCpuPerPage: serverCpuSeconds / pages,
      pages,
      status,
      kbPerPage: bytes / 1024 / Math.max(1, urls.length),
      breakdown: renderBreakdown(server.output(), seconds),
    };
  } finally {
    await server.stop();
  }
}

/**
 * Where the batch's time went, from the RENDER runs' "render timing" log lines: per page, the
 * worker's draw and encode, the pool's overhead beyond them (queue for a free worker, IPC,
 * opening the document), the wait for the memory budget and the store; and the share of the
 * batch's wall time spent outside RENDER (upload, VALIDATE, queue hand-offs). Page times are
 * summed over pages in flight at once, so per-page figures add up to more than wall time / pages.
 */
function renderBreakdown(output: string, batchSeconds: number) {
  const sum = { pages: 0, wallMs: 0, budgetWaitMs: 0, poolOverheadMs: 0, drawMs: 0, encodeMs: 0, workerCpuMs: 0, storeMs: 0 };
  for (const line of output.split("\n")) {
    if (!line.includes('"render timing"')) continue;
    const timing = (JSON.parse(line) as { renderTiming: typeof sum }).renderTiming;
    for (const key of Object.keys(sum) as (keyof typeof sum)[]) sum[key] += timing[key];
  }
  const perPage = (ms: number) => Math.round((ms / Math.max(1, sum.pages)) * 10) / 10;
  return {
    pages: sum.pages,
    drawMsPerPage: perPage(sum.drawMs),
    encodeMsPerPage: perPage(sum.encodeMs),
    workerCpuMsPerPage: perPage(sum.workerCpuMs),
    poolOverheadMsPerPage: perPage(sum.poolOverheadMs),
    budgetWaitMsPerPage: perPage(sum.budgetWaitMs),
    storeMsPerPage: perPage(sum.storeMs),
    // RENDER runs of different documents overlap: their summed wall time is an upper bound.
    renderStageSecondsSummed: Math.round(sum.wallMs / 100) / 10,
    batchSeconds: Math.round(batchSeconds * 10) / 10,
  };
}

async function pixels(image: Uint8Array, width: number, height: number): Promise<Uint8ClampedArray> {
  const canvas = createCanvas(width, height);
  const context = canvas.getContext("2d");
  context.drawImage(await loadImage(Buffer.from(image)), 0, 0);
  return context.getImageData(0, 0, width, height).data;
}

/** PSNR (dB) of `a` against `b` over the RGB channels. */
function psnr(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < a.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const d = a[i + c]! - b[i + c]!;
      sum += d * d;
      count++;
    }
  }
  const mse = sum / count;
  return mse === 0 ? 99 : 10 * Math.log10((255 * 255) / mse);
}

/** Per-page time (draw + encode) and size of JPEG and PNG, and the JPEG's PSNR, on a few pages. */
async function formats(files: BenchPdf[], samplePages: number) {
  const pool = new RenderPool({ size: 1 });
  const result = { jpeg: { ms: 0, kb: 0 }, png: { ms: 0, kb: 0 }, psnr: 0, pages: 0 };
  try {
    const targets = files.slice(0, samplePages).map((file) => ({ documentKey: file.name, bytes: file.bytes, pageNumber: 1, dpi }));
    // Open every document once first: parsing is not what is compared.
    for (const target of targets) await pool.inspect(target.documentKey, target.bytes);
    for (const target of targets) {
      const t0 = performance.now();
      const png = await pool.renderPage({ ...target, format: "png" });
      const t1 = performance.now();
      const jpeg = await pool.renderPage({ ...target, format: "jpeg", quality: 85 });
      const t2 = performance.now();
      result.png.ms += t1 - t0;
      result.jpeg.ms += t2 - t1;
      result.png.kb += png.image.byteLength / 1024;
      result.jpeg.kb += jpeg.image.byteLength / 1024;
      result.psnr += psnr(await pixels(jpeg.image, jpeg.width, jpeg.height), await pixels(png.image, png.width, png.height));
      result.pages++;
    }
  } finally {
    await pool.close();
  }
  const n = Math.max(1, result.pages);
  return { jpegMs: result.jpeg.ms / n, pngMs: result.png.ms / n, jpegKb: result.jpeg.kb / n, pngKb: result.png.kb / n, psnr: result.psnr / n };
}

try {
  const files = await benchPdfs(Number(values.pages), scratch);
  console.error(`render: ${files.length} files, ${files.reduce((sum, file) => sum + file.pages, 0)} pages, ${cores} cores, DPI ${dpi}, ${format}`);
  const mupdfBefore = await mupdf(files);
  const ours = await quire(files);
  const mupdfAfter = await mupdf(files);
  const reference = (mupdfBefore.pagesPerSecond + mupdfAfter.pagesPerSecond) / 2;
  const mupdfCpuPerPage = (mupdfBefore.cpuPerPage + mupdfAfter.cpuPerPage) / 2;
  const sample = await formats(files, Number(values["sample-pages"]));
  const b = ours.breakdown;
  console.error(
    [
      `Quire ${ours.pagesPerSecond.toFixed(2)} pages/s vs MuPDF ${reference.toFixed(2)} (${(ours.pagesPerSecond / reference).toFixed(2)}×); CPU per page ${Math.round(ours.cpuPerPage * 1000)} ms vs ${Math.round(mupdfCpuPerPage * 1000)} ms`,
      `CPU per page: render workers ${b.workerCpuMsPerPage} ms (draw + encode), server process ${Math.round(ours.serverCpuPerPage * 1000)} ms (queue, DB writes, IPC, HTTP), rest of the tree ${Math.round((ours.cpuPerPage - ours.serverCpuPerPage) * 1000 - b.workerCpuMsPerPage)} ms (worker start, VALIDATE, document opening)`,
      `wall time per page (${b.pages} pages, ${cores} workers): draw ${b.drawMsPerPage} ms, encode ${b.encodeMsPerPage} ms, pool queue+IPC ${b.poolOverheadMsPerPage} ms, memory-budget wait ${b.budgetWaitMsPerPage} ms, store ${b.storeMsPerPage} ms`,
      `batch ${b.batchSeconds} s; RENDER runs ${b.renderStageSecondsSummed} s summed (they overlap across documents)`,
    ].join("\n"),
  );
  await emitBenchResult(
    "render",
    [
      { name: "quirePagesPerSecond", value: ours.pagesPerSecond, unit: "pages/s", reference, referenceLabel: `mutool draw -r ${dpi}, ${cores} processes`, higherIsBetter: true },
      { name: "ratioToMupdf", value: ours.pagesPerSecond / reference, unit: "x", reference: 0.6, referenceLabel: "target ≥", higherIsBetter: true },
      { name: "quireCpuMsPerPage", value: ours.cpuPerPage * 1000, unit: "ms", reference: mupdfCpuPerPage * 1000, referenceLabel: "mutool draw, CPU per page", higherIsBetter: false },
      { name: "jpegMsPerPage", value: sample.jpegMs, unit: "ms", reference: sample.pngMs, referenceLabel: "PNG, same pages", higherIsBetter: false },
      { name: "jpegKbPerPage", value: sample.jpegKb, unit: "KB", reference: sample.pngKb, referenceLabel: "PNG, same pages", higherIsBetter: false },
      { name: "jpegPsnr", value: sample.psnr, unit: "dB", reference: 40, referenceLabel: "visually lossless ≥", higherIsBetter: true },
      { name: "storedKbPerPage", value: ours.kbPerPage, unit: "KB", higherIsBetter: false },
    ],
    {
      files: files.length,
      pages: ours.pages,
      batchStatus: ours.status,
      dpi,
      format,
      cores,
      nice,
      mupdfRuns: [mupdfBefore, mupdfAfter].map((run) => Math.round(run.pagesPerSecond * 10) / 10),
      quireBreakdown: { ...ours.breakdown, serverCpuMsPerPage: Math.round(ours.serverCpuPerPage * 1000) },
      note: SHARED_MACHINE_NOTE,
    },
  );
} finally {
  await rm(scratch, { recursive: true, force: true });
}
