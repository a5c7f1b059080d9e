/**
 * Renders every page of a generated 300-page paper-like PDF through the render pool and prints
 * throughput and peak memory of this process and of the workers.
 *
 *   npx node bench/pdf-render.ts [--pages 300] [--dpi 150] [--size <cpus>] [--extract]
 */
import { createHash } from "node:crypto";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { RenderPool } from "../src/pdf/render-pool.ts";
import { buildTextPdf } from "../test/helpers/pdf-fixtures.ts";

const { values } = parseArgs({
  options: {
    pages: { type: "string", default: "300" },
    dpi: { type: "string", default: "150" },
    size: { type: "string", default: String(availableParallelism()) },
    extract: { type: "boolean", default: false },
  },
});
const pages = Number(values.pages);
const dpi = Number(values.dpi);
const size = Number(values.size);

const bytes = await buildTextPdf({ pages, references: 20 });
const documentKey = createHash("sha256").update(bytes).digest("hex");
const pool = new RenderPool({ size, rssPollMs: 50 });
// pdf-lib and the fixture's canvas live in this process too; this is the floor before any work.
const parentBaseline = process.memoryUsage().rss;

let parentPeak = 0;
let childrenSumPeak = 0;
const sampler = setInterval(() => {
  parentPeak = Math.max(parentPeak, process.memoryUsage().rss);
  const sum = pool.stats().workers.reduce((total, w) => total + (w.rssBytes ?? 0), 0);
  childrenSumPeak = Math.max(childrenSumPeak, sum);
}, 50);

const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;
try {
  // Start-up (fork + loading pdf.js) is measured apart from steady-state rendering.
  const warmStart = performance.now();
  await Promise.all(Array.from({ length: size }, () => pool.inspect(documentKey, bytes)));
  const warmMs = performance.now() - warmStart;

  const start = performance.now();
  let pngBytes = 0;
  await Promise.all(
    Array.from({ length: pages }, async (_, i) => {
      const page = await pool.renderPage({ documentKey, bytes, pageNumber: i + 1, dpi });
      pngBytes += page.image.byteLength;
      if (values.extract) await pool.extractPage({ documentKey, bytes, pageNumber: i + 1 });
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  console.log(`pdf-render: ${pages} pages, ${(bytes.byteLength / 1024).toFixed(0)} KB PDF, ${dpi} DPI, pool size ${size}${values.extract ? ", with extract" : ""}`);
  console.log(`  warm-up (spawn + first parse): ${warmMs.toFixed(0)} ms`);
  console.log(`  ${values.extract ? "rendered + extracted" : "rendered"} in ${seconds.toFixed(2)} s: ${(pages / seconds).toFixed(1)} pages/s (${mb(pngBytes)} of PNG)`);
  console.log(`  peak RSS parent: ${mb(parentPeak)} (${mb(parentBaseline)} before the pool started)`);
  console.log(`  peak RSS one worker: ${mb(pool.stats().peakWorkerRssBytes)}, all workers together: ${mb(childrenSumPeak)}`);
} finally {
  clearInterval(sampler);
  await pool.close();
}
