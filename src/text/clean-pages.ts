import { dehyphenatePages } from "./dehyphenate.ts";
import { normalizeText } from "./normalize-text.ts";
import { removeRunningLines } from "./running-lines.ts";

/**
 * Cleans the per-page markdown of one document: normalises characters and whitespace, removes
 * running headers, footers and page numbers, re-joins words hyphenated at line ends, and
 * collapses runs of empty lines. Returns one cleaned markdown string per input page.
 */
export function cleanPages(pages: readonly string[]): string[] {
  const lines = pages.map((page) => normalizeText(page).split("\n"));
  const withoutRunning = removeRunningLines(lines);
  const joined = dehyphenatePages(withoutRunning);
  return joined.map((pageLines) =>
    pageLines
      .join("\n")
      .replace(/\u00AD/g, "")
      .replace(/[ \t]+$/gm, "")
      .replace(/\n{3,}/g, "\n\n")
      .trim(),
  );
}
