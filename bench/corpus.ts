/**
 * Time per file of the shared PDF corpus (../shared/corpus/pdfs): inspect, then render (150 DPI)
 * and extract every page through a two-worker render pool, as test/integration/pdf/corpus.test.ts
 * does for correctness. The speed goal lives here, not in that test: every file within 90 s
 * (its failures included: a page over the pool's 20 s limit ends as PAGE_TIMEOUT).
 *
 *   npm run bench -- corpus
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RenderPool } from "../src/pdf/render-pool.ts";
import { emitBenchResult } from "./bench-output.ts";
import { SHARED_MACHINE_NOTE } from "./bench-tools.ts";

const FILE_GOAL_MS = 90_000;
const pdfDir = fileURLToPath(new URL("../../shared/corpus/pdfs/", import.meta.url));
if (!existsSync(pdfDir)) {
  console.error(`corpus: ${pdfDir} not found; nothing to measure.`);
  process.exit(0);
}

const pool = new RenderPool({ size: 2, pageTimeoutMs: 20_000, maxWorkerRssBytes: 1024 ** 3 });
const times: { file: string; ms: number }[] = [];
try {
  for (const file of readdirSync(pdfDir).filter((f) => f.endsWith(".pdf")).sort()) {
    const bytes = new Uint8Array(readFileSync(join(pdfDir, file)));
    const started = performance.now();
    try {
      const { pageCount } = await pool.inspect(file, bytes);
      const pages = Array.from({ length: pageCount }, (_, i) => i + 1);
      await Promise.allSettled(
        pages.flatMap((pageNumber) => [
          pool.renderPage({ documentKey: file, bytes, pageNumber, dpi: 150 }),
          pool.extractPage({ documentKey: file, bytes, pageNumber }),
        ]),
      );
    } catch {
      // Failures are the correctness test's business; their time counts all the same.
    }
    times.push({ file, ms: performance.now() - started });
  }
} finally {
  await pool.close();
}

const sorted = times.map((t) => t.ms).sort((a, b) => a - b);
const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const slowest = times.reduce((a, b) => (b.ms > a.ms ? b : a), { file: "", ms: 0 });
console.error(SHARED_MACHINE_NOTE);
await emitBenchResult(
  "corpus",
  [
    { name: "medianFileSeconds", value: at(0.5) / 1000, unit: "s" },
    { name: "p95FileSeconds", value: at(0.95) / 1000, unit: "s" },
    { name: "slowestFileSeconds", value: slowest.ms / 1000, unit: "s", reference: FILE_GOAL_MS / 1000, referenceLabel: "goal <" },
    { name: "filesOverGoal", value: times.filter((t) => t.ms > FILE_GOAL_MS).length, unit: "files", reference: 0, referenceLabel: "goal" },
  ],
  { files: times.length, slowestFile: slowest.file },
);
