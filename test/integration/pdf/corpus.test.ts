/**
 * Runs every file of the shared PDF corpus (pdf.js's own regression files: ordinary, unusual,
 * encrypted, fuzzed and hostile) through inspect, render of every page and extract of every
 * page. Each file must succeed or fail with a documented code, and the test process (standing in
 * for the API process) must come through unharmed. How fast is bench/corpus.ts's business
 * (`npm run bench -- corpus`): a time limit here would fail on a loaded machine, not on a bug.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PdfError } from "../../../src/pdf/pdf-error.ts";
import type { PdfErrorCode } from "../../../src/pdf/pdf-error.ts";
import { RenderPool } from "../../../src/pdf/render-pool.ts";
import { buildTextPdf } from "../../helpers/pdf-fixtures.ts";

const corpusDir = fileURLToPath(new URL("../../../../shared/corpus/", import.meta.url));
const pdfDir = join(corpusDir, "pdfs");
const available = existsSync(pdfDir);

const DPI = 150;
const ALLOWED_CODES: PdfErrorCode[] = [
  "PDF_CORRUPT",
  "PDF_ENCRYPTED",
  "PDF_TOO_MANY_PAGES",
  "PAGE_TIMEOUT",
  "WORKER_MEMORY_EXCEEDED",
  "WORKER_CRASHED",
];
// Limits, not parse failures: the only codes acceptable for a file poppler could open.
const RESOURCE_CODES: PdfErrorCode[] = ["PDF_TOO_MANY_PAGES", "PAGE_TIMEOUT", "WORKER_MEMORY_EXCEEDED"];

/**
 * Files whose outcome we have checked by hand and pin, so a pdf.js upgrade that changes them is
 * noticed. Poppler cannot open any of these either.
 */
const EXPECTED_FAILURES: Record<string, PdfErrorCode> = {
  "bug1020226.pdf": "PDF_CORRUPT", // 184 bytes, no usable xref or objects
  "issue3371.pdf": "PDF_ENCRYPTED", // the four below need a user password we do not have
  "issue6010_2.pdf": "PDF_ENCRYPTED",
  "pr6531_1.pdf": "PDF_ENCRYPTED",
  "saslprep-r6.pdf": "PDF_ENCRYPTED",
};

/**
 * Files where pdf.js's page count may rightly differ from poppler's. Empty: on this corpus
 * every file both engines open has the same count. (Six files poppler cannot open at all,
 * e.g. Brotli-Prototype-FileA.pdf, which uses the BrotliDecode filter, pdf.js reads; those have
 * no poppler count to compare.)
 */
const PAGE_COUNT_EXCEPTIONS = new Set<string>();

interface ManifestRow {
  pagesPoppler: number | undefined;
  encryptedPoppler: boolean | undefined;
}

function readManifest(): Map<string, ManifestRow> {
  const rows = new Map<string, ManifestRow>();
  const lines = readFileSync(join(corpusDir, "manifest.tsv"), "utf8").trim().split("\n").slice(1);
  for (const line of lines) {
    const [file, , pages, encrypted] = line.split("\t");
    if (!file) continue;
    rows.set(file, {
      pagesPoppler: /^\d+$/.test(pages ?? "") ? Number(pages) : undefined,
      encryptedPoppler: encrypted === "yes" ? true : encrypted === "no" ? false : undefined,
    });
  }
  return rows;
}

interface Outcome {
  pageCount?: number;
  encrypted?: boolean;
  code?: PdfErrorCode;
  message?: string;
}

async function runFile(pool: RenderPool, file: string, bytes: Uint8Array): Promise<Outcome> {
  const outcome: Outcome = {};
  try {
    const inspection = await pool.inspect(file, bytes);
    outcome.pageCount = inspection.pageCount;
    outcome.encrypted = inspection.encrypted;
    const pages = Array.from({ length: inspection.pageCount }, (_, i) => i + 1);
    // Pages of one file go through the pool together, as the pipeline sends them.
    const results = await Promise.allSettled(
      pages.flatMap((pageNumber) => [
        pool.renderPage({ documentKey: file, bytes, pageNumber, dpi: DPI }),
        pool.extractPage({ documentKey: file, bytes, pageNumber }),
      ]),
    );
    const failure = results.find((r) => r.status === "rejected");
    if (failure) throw failure.reason;
  } catch (error) {
    if (!(error instanceof PdfError)) throw error;
    outcome.code = error.code;
    outcome.message = error.message;
  }
  return outcome;
}

if (!available) {
  console.warn(`PDF corpus tests SKIPPED: ${pdfDir} does not exist (it is provided next to the repo in CI).`);
}

describe.skipIf(!available)(`PDF corpus${available ? "" : ` (skipped: ${pdfDir} not found)`}`, () => {
  const files = available ? readdirSync(pdfDir).filter((f) => f.endsWith(".pdf")).sort() : [];
  const manifest = available ? readManifest() : new Map<string, ManifestRow>();
  const pool = new RenderPool({ size: 2, pageTimeoutMs: 20_000, maxWorkerRssBytes: 1024 ** 3 });
  const outcomes = new Map<string, Outcome>();
  afterAll(async () => {
    await pool.close();
  });

  it.each(files)("%s succeeds or fails with a known code", async (file) => {
    const bytes = new Uint8Array(readFileSync(join(pdfDir, file)));
    const outcome = await runFile(pool, file, bytes);
    outcomes.set(file, outcome);

    const expectedFailure = EXPECTED_FAILURES[file];
    if (expectedFailure) {
      expect(outcome.code).toBe(expectedFailure);
      return;
    }
    const row = manifest.get(file);
    if (outcome.code) {
      expect(ALLOWED_CODES).toContain(outcome.code);
      if (row?.pagesPoppler !== undefined) expect(RESOURCE_CODES, outcome.message).toContain(outcome.code);
      return;
    }
    if (row?.pagesPoppler !== undefined && !PAGE_COUNT_EXCEPTIONS.has(file)) {
      expect(outcome.pageCount, "page count vs poppler").toBe(row.pagesPoppler);
    }
    if (row?.encryptedPoppler !== undefined) expect(outcome.encrypted).toBe(row.encryptedPoppler);
  });

  it("leaves the pool serving after the whole corpus", async () => {
    expect(outcomes.size).toBe(files.length);
    const bytes = await buildTextPdf({ pages: 2 });
    await expect(pool.inspect("after-corpus", bytes)).resolves.toMatchObject({ pageCount: 2 });
    const stats = pool.stats();
    expect(stats.workers.length).toBeLessThanOrEqual(2);
    expect(stats.peakBusy).toBeLessThanOrEqual(2);
  });
});
