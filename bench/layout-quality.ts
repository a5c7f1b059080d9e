/**
 * Layout quality of Quire's text path (PDF engine extraction, PARSE layout, CLEAN) on corpus
 * files with hand-made truth (test/fixtures/layout-truth), beside poppler's `pdftotext -raw`:
 * sentences kept intact across columns, pages and floats, headings found and false, running
 * lines left, captioned tables recovered as markdown tables, form values, token recall and
 * precision against `pdftotext` (reading order mode), and the time of the text work per page.
 *
 *   npm run bench -- layout-quality [--verbose]
 *
 * pymupdf4llm is the other peer; it is a Python package and this machine reaches no
 * Python registry (Debian packages only PyMuPDF 1.21 as python3-fitz, older than pymupdf4llm
 * needs, and not pymupdf4llm itself), so it is reported as not installed rather than measured.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { emitBenchResult, type BenchFigure } from "./bench-output.ts";
import { ensureReferenceTools } from "./bench-tools.ts";
import { extractLayers, timedQuireMarkdown } from "./layout-quality/quire-text.ts";
import { addCounts, scoreLayout, type LayoutCounts, type LayoutTruth } from "./layout-quality/layout-scores.ts";

const { values } = parseArgs({ options: { verbose: { type: "boolean", default: false } } });
const repoRoot = fileURLToPath(new URL("../", import.meta.url));
const corpusDir = path.resolve(repoRoot, "../shared/corpus");
const truthDir = path.join(repoRoot, "test/fixtures/layout-truth");
if (!existsSync(corpusDir)) {
  console.error(`layout-quality: corpus not found at ${corpusDir}; nothing to measure.`);
  process.exit(0);
}

// The reference is poppler's pdftotext, installed from Debian's packages when missing.
ensureReferenceTools();

function pdftotext(file: string, raw: boolean): string[] | undefined {
  try {
    const out = execFileSync("pdftotext", ["-q", ...(raw ? ["-raw"] : []), "-enc", "UTF-8", file, "-"], {
      encoding: "utf8",
      maxBuffer: 64 * 2 ** 20,
    });
    return out.split("\f");
  } catch {
    return undefined;
  }
}

const truths = readdirSync(truthDir)
  .filter((name) => name.endsWith(".json"))
  .sort()
  .map((name) => JSON.parse(readFileSync(path.join(truthDir, name), "utf8")) as LayoutTruth);

let quire: LayoutCounts | undefined;
let poppler: LayoutCounts | undefined;
let textMs = 0;
let textPages = 0;
let popplerMissing = false;
const rows: Record<string, unknown>[] = [];
for (const truth of truths) {
  const file = path.join(corpusDir, truth.file);
  const layers = await extractLayers(file, 1, Number.POSITIVE_INFINITY);
  const { pages, ms } = timedQuireMarkdown(layers);
  textMs += ms;
  textPages += layers.length;
  const reference = pdftotext(file, false);
  const raw = pdftotext(file, true);
  if (!reference || !raw) popplerMissing = true;
  const ours = scoreLayout(truth, pages, reference ?? pages, true);
  quire = quire ? addCounts(quire, ours) : ours;
  if (raw) {
    const theirs = scoreLayout(truth, raw, reference ?? raw, false);
    poppler = poppler ? addCounts(poppler, theirs) : theirs;
  }
  rows.push({
    file: path.basename(truth.file),
    sentences: `${ours.sentencesIntact}/${ours.sentences}`,
    headings: `${ours.headingsFound}/${ours.headings} (${ours.headingsFalse} false of ${ours.headingsEmitted})`,
    running: `${ours.runningLeft}/${ours.running} left`,
    tables: `${ours.tablesRecovered}/${ours.tables}`,
    recall: (ours.tokensCommon / Math.max(1, ours.tokensRef)).toFixed(3),
    precision: (ours.tokensCommon / Math.max(1, ours.tokensOut)).toFixed(3),
  });
}
if (values.verbose) console.error(rows);
if (!quire) throw new Error(`No truth files in ${truthDir}`);

const pct = (part: number, whole: number) => (whole === 0 ? 0 : (100 * part) / whole);
const peer = poppler;
const figures: BenchFigure[] = [
  { name: "sentencesIntact", value: quire.sentencesIntact, unit: `of ${quire.sentences}`, reference: peer?.sentencesIntact, referenceLabel: "pdftotext -raw (target ≥ 1.4×)", higherIsBetter: true },
  { name: "sentencesVsPdftotextRaw", value: quire.sentencesIntact / Math.max(1, peer?.sentencesIntact ?? 0), unit: "×", reference: 1.4, referenceLabel: "target ≥", higherIsBetter: true },
  { name: "headingsFound", value: pct(quire.headingsFound, quire.headings), unit: "%", reference: 88, referenceLabel: "target ≥ (pdftotext -raw: 0, no headings)", higherIsBetter: true },
  { name: "headingsFalse", value: pct(quire.headingsFalse, quire.headingsEmitted), unit: "%", reference: 7, referenceLabel: "target ≤", higherIsBetter: false },
  { name: "runningLinesLeft", value: pct(quire.runningLeft, quire.running), unit: "%", reference: peer ? pct(peer.runningLeft, peer.running) : undefined, referenceLabel: "pdftotext -raw (target < 5)", higherIsBetter: false },
  { name: "tablesRecovered", value: pct(quire.tablesRecovered, quire.tables), unit: "%", reference: 60, referenceLabel: "target ≥ (pdftotext -raw: 0, no tables)", higherIsBetter: true },
  { name: "formValuesFound", value: quire.formValuesFound, unit: `of ${quire.formValues}`, reference: peer?.formValuesFound, referenceLabel: "pdftotext -raw", higherIsBetter: true },
  { name: "tokenRecall", value: quire.tokensCommon / quire.tokensRef, unit: "", reference: 0.98, referenceLabel: `target ≥ (pdftotext -raw: ${peer ? (peer.tokensCommon / peer.tokensRef).toFixed(3) : "n/a"})`, higherIsBetter: true },
  { name: "tokenPrecision", value: quire.tokensCommon / quire.tokensOut, unit: "", reference: 0.99, referenceLabel: `target ≥ (pdftotext -raw: ${peer ? (peer.tokensCommon / peer.tokensOut).toFixed(3) : "n/a"})`, higherIsBetter: true },
  { name: "textMsPerPage", value: textMs / textPages, unit: "ms", reference: 100, referenceLabel: "target <", higherIsBetter: false },
];
await emitBenchResult("layout-quality", figures, {
  files: truths.length,
  pagesScored: truths.reduce((sum, truth) => sum + truth.pages[1] - truth.pages[0] + 1, 0),
  pagesLaidOut: textPages,
  peers: {
    "pdftotext -raw": popplerMissing ? "not installed (apt-get install poppler-utils)" : peer,
    pymupdf4llm: "not measured: a Python package, and no Python registry is reachable from this machine",
  },
});
