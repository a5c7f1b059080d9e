/**
 * Quire's text of a corpus file, made the way the pipeline makes it: the PDF engine's extractor
 * (in this process, not through the pool), then PARSE's layout per page against the document's
 * body size, then CLEAN across pages. Returns the extraction and the text work apart, so the
 * bench can time the layout path on its own.
 */
import { readFile } from "node:fs/promises";
import { openDocument } from "../../src/pdf/pdfjs-document-loader.ts";
import type { ExtractedPage } from "../../src/pdf/pdf-types.ts";
import { extractPage } from "../../src/pdf/text-extractor.ts";
import { cleanPages } from "../../src/text/clean-pages.ts";
import { estimateBodyFontSize, repairFontSizes } from "../../src/text/layout-fonts.ts";
import { findRunningLines } from "../../src/text/layout-running-lines.ts";
import { layoutToMarkdown } from "../../src/text/layout-to-markdown.ts";

/** The text layer of pages `first`..`last` (1-based, inclusive) of one file. */
export async function extractLayers(file: string, first: number, last: number): Promise<ExtractedPage[]> {
  const { task, doc } = await openDocument(new Uint8Array(await readFile(file)), { maxPages: 2000, maxImagePixels: 40_000_000 });
  try {
    const pages: ExtractedPage[] = [];
    for (let n = first; n <= Math.min(last, doc.numPages); n++) pages.push(await extractPage(doc, n));
    return pages;
  } finally {
    await task.destroy();
  }
}

/** PARSE then CLEAN, as the pipeline runs them on a document's pages. */
export function quireMarkdown(layers: readonly ExtractedPage[]): string[] {
  const withItems = layers.filter((layer) => layer.items.length > 0);
  const repaired = withItems.map(repairFontSizes);
  const bodyFontSize = withItems.length ? estimateBodyFontSize(repaired) : undefined;
  const runningLines = findRunningLines(repaired);
  return cleanPages(layers.map((layer) => (layer.items.length ? layoutToMarkdown(layer, { bodyFontSize, runningLines }) : "")));
}

/** quireMarkdown with the wall time of that text work, in milliseconds. */
export function timedQuireMarkdown(layers: readonly ExtractedPage[]): { pages: string[]; ms: number } {
  const started = performance.now();
  const pages = quireMarkdown(layers);
  return { pages, ms: performance.now() - started };
}
