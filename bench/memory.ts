/**
 * Peak memory of all Quire processes (the server and its render workers; PostgreSQL is not
 * Quire's) while a batch runs every stage: a small batch, a large one of the same documents,
 * and one long document. Flat memory means the large batch peaks near the small one.
 *
 *   npm run bench -- memory [--small 10] [--large 200] [--pages-per-doc 2] [--long-pages 2000]
 *   (--long-pages 0 skips the long document; --small 0 or --large 0 skips the batch comparison)
 *
 * Progress goes to stderr every 30 s (the long document takes minutes); the JSON line records
 * each run's status, duration and the server's and workers' own peaks.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { buildTextPdf } from "../test/helpers/pdf-fixtures.ts";
import { uploadOverHttp } from "../test/helpers/server-process.ts";
import { emitBenchResult, type BenchFigure } from "./bench-output.ts";
import { startBenchServer } from "./bench-server.ts";
import { pause, processTree, SHARED_MACHINE_NOTE } from "./bench-tools.ts";

const { values } = parseArgs({
  options: {
    small: { type: "string", default: "10" },
    large: { type: "string", default: "200" },
    "pages-per-doc": { type: "string", default: "2" },
    "long-pages": { type: "string", default: "2000" },
  },
});

/** RSS of the server process and, apart, of its children (render workers), PostgreSQL left out. */
function quireRss(pid: number): { server: number; workers: number } {
  let server = 0;
  let workers = 0;
  for (const member of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${member}/stat`, "utf8");
      if (stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")).startsWith("postgres")) continue;
      const rss = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[21]) * 4096;
      if (member === pid) server = rss;
      else workers += rss;
    } catch {
      // exited meanwhile
    }
  }
  return { server, workers };
}

interface Peak {
  /** Peak of the summed RSS of all Quire processes (MB). */
  peakMb: number;
  /** The server process's own peak and its workers' peak (MB; not at the same moment). */
  serverPeakMb: number;
  workersPeakMb: number;
  seconds: number;
  status: string;
}

/** Peak RSS of a fresh server while it takes `files` through every stage. */
async function peakDuringBatch(label: string, files: { name: string; bytes: Uint8Array }[]): Promise<Peak> {
  // One batch whatever its size: the per-request file limit raised to fit it.
  const server = await startBenchServer({ QUIRE_MAX_FILES: String(Math.max(50, files.length)) });
  try {
    let peak = 0;
    let serverPeak = 0;
    let workersPeak = 0;
    let running = true;
    const started = performance.now();
    const sampler = (async () => {
      let lastReport = started;
      while (running) {
        const now = quireRss(server.pid);
        peak = Math.max(peak, now.server + now.workers);
        serverPeak = Math.max(serverPeak, now.server);
        workersPeak = Math.max(workersPeak, now.workers);
        if (performance.now() - lastReport > 30_000) {
          lastReport = performance.now();
          console.error(`${label}: ${Math.round((lastReport - started) / 1000)} s, peak ${Math.round(peak / 2 ** 20)} MB so far`);
        }
        await pause(100);
      }
    })();
    const batchId = await uploadOverHttp(server.url, server.authorization, files);
    const status = await server.waitForBatch(batchId, 500);
    running = false;
    await sampler;
    const mb = (bytes: number) => bytes / 2 ** 20;
    const result = { peakMb: mb(peak), serverPeakMb: mb(serverPeak), workersPeakMb: mb(workersPeak), seconds: (performance.now() - started) / 1000, status };
    console.error(`${label}: ${result.status} in ${Math.round(result.seconds)} s, peak ${Math.round(result.peakMb)} MB (server ${Math.round(result.serverPeakMb)}, workers ${Math.round(result.workersPeakMb)})`);
    return result;
  } finally {
    await server.stop();
  }
}

const perDoc = Number(values["pages-per-doc"]);
const documents = async (count: number) => {
  const bytes = await buildTextPdf({ pages: perDoc, references: 5 });
  return Array.from({ length: count }, (_, i) => ({ name: `doc-${i}.pdf`, bytes }));
};
const figures: BenchFigure[] = [];
const runs: Record<string, Omit<Peak, "peakMb">> = {};
const [smallCount, largeCount] = [Number(values.small), Number(values.large)];
if (smallCount > 0 && largeCount > 0) {
  const small = await peakDuringBatch(`${smallCount} docs`, await documents(smallCount));
  const large = await peakDuringBatch(`${largeCount} docs`, await documents(largeCount));
  figures.push(
    { name: `peakRss${largeCount}Docs`, value: large.peakMb, unit: "MB", reference: small.peakMb * 1.2, referenceLabel: `target ≤ 1.2 × ${smallCount} docs`, higherIsBetter: false },
    { name: `peakRss${smallCount}Docs`, value: small.peakMb, unit: "MB", higherIsBetter: false },
    { name: "largeToSmall", value: large.peakMb / small.peakMb, unit: "x", reference: 1.2, referenceLabel: "target ≤", higherIsBetter: false },
  );
  runs[`${smallCount}Docs`] = small;
  runs[`${largeCount}Docs`] = large;
}
const longPages = Number(values["long-pages"]);
if (longPages > 0) {
  const long = await peakDuringBatch(`${longPages} pages`, [{ name: "long.pdf", bytes: await buildTextPdf({ pages: longPages, references: 20 }) }]);
  figures.push({ name: `peakRss${longPages}Pages`, value: long.peakMb, unit: "MB", reference: 1536, referenceLabel: "target <", higherIsBetter: false });
  runs[`${longPages}Pages`] = long;
}
const round = (value: number) => Math.round(value);
await emitBenchResult("memory", figures, {
  pagesPerDoc: perDoc,
  runs: Object.fromEntries(
    Object.entries(runs).map(([name, run]) => [name, { status: run.status, seconds: round(run.seconds), serverPeakMb: round(run.serverPeakMb), workersPeakMb: round(run.workersPeakMb) }]),
  ),
  note: SHARED_MACHINE_NOTE,
});
