import { splitMarkdownBlocks } from "../text/markdown-blocks.ts";
import { findBibliography } from "./find-bibliography.ts";
import { parseReference, type ReferenceFields } from "./parse-reference.ts";
import { lineLabel } from "./reference-signals.ts";
import { splitReferences } from "./split-references.ts";

/** One entry of a document's bibliography. */
export interface ReferenceEntry extends ReferenceFields {
  /** 0-based position in the bibliography. */
  index: number;
  /** The printed label without brackets ("12", "Kle98"), or "" when entries are unlabelled. */
  label: string;
  /** The entry's full text on one line, label included. */
  raw: string;
}

function withoutLabel(raw: string): string {
  const label = lineLabel(raw);
  if (!label) return raw;
  return raw
    .replace(/^\s*\[[^\]]*\]\s*/, label.style.startsWith("bracket") ? "" : "$&")
    .replace(/^\s*\d{1,3}(?:\.\s*|\s+)/, label.style.startsWith("number") ? "" : "$&");
}

/**
 * Finds the bibliography of a document from its cleaned per-page markdown and splits it into
 * entries with the fields that could be read. Handles a missing heading (a numbered sequence
 * is looked for instead), table-of-contents lines, appendices after the bibliography and
 * entries that the reading order puts before the heading. Empty when nothing is found.
 */
export function extractReferences(pages: readonly string[]): ReferenceEntry[] {
  const blocks = splitMarkdownBlocks(pages);
  const span = findBibliography(blocks);
  return splitReferences(blocks, span).map((entry, index) => ({
    index,
    label: entry.label,
    raw: entry.raw,
    ...parseReference(withoutLabel(entry.raw)),
  }));
}
