import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { getDocument, VerbosityLevel } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { PDFDocumentLoadingTask, PDFDocumentProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import { PdfError } from "./pdf-error.ts";

type DocumentInitParameters = NonNullable<Parameters<typeof getDocument>[0]>;

/** An opened pdf.js document and the task that owns its resources. */
export interface OpenedDocument {
  task: PDFDocumentLoadingTask;
  doc: PDFDocumentProxy;
}

/** Limits that shape how pdf.js parses untrusted bytes. */
export interface LoaderLimits {
  maxPages: number;
  maxImagePixels: number;
}

const pdfjsRoot = dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"));

// Local folders, so CJK CMaps, the standard 14 fonts, JBIG2/JPX decoders and ICC profiles load
// from disk: a worker never touches the network.
const dataFolders = {
  cMapUrl: join(pdfjsRoot, "cmaps") + "/",
  standardFontDataUrl: join(pdfjsRoot, "standard_fonts") + "/",
  wasmUrl: join(pdfjsRoot, "wasm") + "/",
  iccUrl: join(pdfjsRoot, "iccs") + "/",
};

function documentParameters(data: Uint8Array, limits: LoaderLimits): DocumentInitParameters {
  // isEvalSupported no longer exists in pdf.js 6 (it compiles nothing from PDF data); it stays
  // here so a downgrade to a release that still has it cannot silently turn eval back on.
  const params: DocumentInitParameters & { isEvalSupported: false } = {
    data,
    ...dataFolders,
    cMapPacked: true,
    isEvalSupported: false,
    enableXfa: false,
    useSystemFonts: false,
    // Font names (for bold/heading detection) are only exported with the extra properties.
    fontExtraProperties: true,
    maxImageSize: limits.maxImagePixels,
    // Salvage what we can from damaged pages; failures we cannot salvage still reject.
    stopAtErrors: false,
    disableRange: true,
    disableStream: true,
    disableAutoFetch: true,
    verbosity: VerbosityLevel.ERRORS,
  };
  return params;
}

function mapOpenError(error: unknown): PdfError {
  const name = error instanceof Error ? error.name : "";
  const message = error instanceof Error ? error.message : String(error);
  if (name === "PasswordException") {
    return new PdfError("PDF_ENCRYPTED", `Document needs a password: ${message}`, { cause: error });
  }
  return new PdfError("PDF_CORRUPT", `Document cannot be parsed: ${message}`, { cause: error });
}

/**
 * Parses `data` with pdf.js under Quire's limits. Rejects with PDF_ENCRYPTED when a password is
 * needed, PDF_TOO_MANY_PAGES over the page limit and PDF_CORRUPT for anything unparsable.
 * Takes ownership of `data` (pdf.js may detach it).
 */
export async function openDocument(data: Uint8Array, limits: LoaderLimits): Promise<OpenedDocument> {
  const task = getDocument(documentParameters(data, limits));
  let doc: PDFDocumentProxy;
  try {
    doc = await task.promise;
  } catch (error) {
    await task.destroy().catch(() => undefined);
    throw mapOpenError(error);
  }
  if (doc.numPages > limits.maxPages) {
    await task.destroy().catch(() => undefined);
    throw new PdfError("PDF_TOO_MANY_PAGES", `Document has ${doc.numPages} pages; the limit is ${limits.maxPages}`);
  }
  return { task, doc };
}
