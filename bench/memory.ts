/**
 * Peak memory of all Quire processes (the server and its render workers; PostgreSQL is not
 * Quire's) while a batch runs every stage: a small batch, a large one of the same documents,
 * and one long document. Flat memory means the large batch peaks near the small one.
 *
 *   npm run bench -- memory [--small 10] [--large 200] [--pages-per-doc 2] [--long-pages 2000]
 *   (--long-pages 0 skips the long document)
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

/** Summed RSS of the server's process tree, PostgreSQL (embedded or not) left out. */
function quireRss(pid: number): number {
  let total = 0;
  for (const member of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${member}/stat`, "utf8");
      if (stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")).startsWith("postgres")) continue;
      total += Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[21]) * 4096;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/** Peak RSS (MB) of a fresh server while it takes `files` through every stage. */
async function peakDuringBatch(files: { name: string; bytes: Uint8Array }[]): Promise<{ peakMb: number; status: string }> {
  // One batch whatever its size: the per-request file limit raised to fit it.
  const server = await startBenchServer({ QUIRE_MAX_FILES: String(Math.max(50, files.length)) });
  try {
    let peak = quireRss(server.pid);
    let running = true;
    const sampler = (async () => {
      while (running) {
        peak = Math.max(peak, quireRss(server.pid));
        await pause(100);
      }
    })();
    const batchId = await uploadOverHttp(server.url, server.authorization, files);
    const status = await server.waitForBatch(batchId, 500);
    running = false;
    await sampler;
    return { peakMb: peak / 2 ** 20, status };
  } finally {
    await server.stop();
  }
}

const perDoc = Number(values["pages-per-doc"]);
const documents = async (count: number) => {
  const bytes = await buildTextPdf({ pages: perDoc, references: 5 });
  return Array.from({ length: count }, (_, i) => ({ name: `doc-${i}.pdf`, bytes }));
};
const small = await peakDuringBatch(await documents(Number(values.small)));
const large = await peakDuringBatch(await documents(Number(values.large)));
const figures: BenchFigure[] = [
  { name: `peakRss${values.large}Docs`, value: large.peakMb, unit: "MB", reference: small.peakMb * 1.2, referenceLabel: `target ≤ 1.2 × ${values.small} docs`, higherIsBetter: false },
  { name: `peakRss${values.small}Docs`, value: small.peakMb, unit: "MB", higherIsBetter: false },
  { name: "largeToSmall", value: large.peakMb / small.peakMb, unit: "x", reference: 1.2, referenceLabel: "target ≤", higherIsBetter: false },
];
const longPages = Number(values["long-pages"]);
let longStatus: string | undefined;
if (longPages > 0) {
  const long = await peakDuringBatch([{ name: "long.pdf", bytes: await buildTextPdf({ pages: longPages, references: 20 }) }]);
  longStatus = long.status;
  figures.push({ name: `peakRss${longPages}Pages`, value: long.peakMb, unit: "MB", reference: 1536, referenceLabel: "target <", higherIsBetter: false });
}
await emitBenchResult("memory", figures, { pagesPerDoc: perDoc, statuses: [small.status, large.status, longStatus], note: SHARED_MACHINE_NOTE });
