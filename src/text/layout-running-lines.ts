import { buildSegments, groupIntoRows, type LayoutSegment } from "./layout-lines.ts";
import type { PageTextLayer } from "./text-item.ts";

// Running headers and footers live in the page margins: the outermost rows of text, within this
// share of the page height from its top or bottom edge.
const EDGE_SHARE = 0.12;
const EDGE_ROWS = 3;
const FLOAT_LABEL = /^(?:top|bottom):(?:figure|fig|table|algorithm|listing|chart) #/u;

/**
 * The running headers, footers and page numbers of one document, found by position across its
 * pages before reading order is decided, so a header split in two by the column gutter can no
 * longer land inside a sentence that crosses columns.
 */
export interface RunningLines {
  /** "top:<key>" or "bottom:<key>" of each recurring edge segment. */
  keys: ReadonlySet<string>;
}

/** What stays the same in a running line across pages: digits (page numbers) become "#". */
function runningKey(segment: LayoutSegment): string {
  return segment.items
    .map((item) => item.text)
    .join(" ")
    .normalize("NFKC")
    .toLowerCase()
    .replace(/\d+/g, "#")
    .replace(/[^\p{L}\p{N}#]+/gu, " ")
    .trim();
}

/** The segments in the outermost rows at the top and bottom of a page, keyed by edge. */
function edgeSegments(segments: readonly LayoutSegment[], height: number): { segment: LayoutSegment; key: string }[] {
  const rows = groupIntoRows(segments);
  const found: { segment: LayoutSegment; key: string }[] = [];
  rows.slice(0, EDGE_ROWS).forEach((row) => {
    for (const segment of row) if (segment.y1 <= height * EDGE_SHARE) found.push({ segment, key: `top:${runningKey(segment)}` });
  });
  rows.slice(-EDGE_ROWS).forEach((row) => {
    for (const segment of row) {
      if (segment.y0 >= height * (1 - EDGE_SHARE)) found.push({ segment, key: `bottom:${runningKey(segment)}` });
    }
  });
  // Empty keys, rows of several bare numbers (a table's last row) and float labels ("Figure 3"
  // set apart from its caption at the same height on several pages) are never running lines.
  return found.filter(({ key }) => !/^(?:top|bottom):(?:#(?: #)+)?$/.test(key) && !FLOAT_LABEL.test(key));
}

/**
 * Finds the edge segments whose text (numbers masked) recurs at the same edge on several pages:
 * at least two, and at least a fifth of the pages of a longer document (even and odd pages often
 * carry different headers).
 */
export function findRunningLines(pages: readonly PageTextLayer[]): RunningLines {
  const minPages = Math.max(2, Math.ceil(pages.length * 0.2));
  const pagesByKey = new Map<string, Set<number>>();
  pages.forEach((page, index) => {
    for (const { key } of edgeSegments(buildSegments(page.items), page.height)) {
      const seen = pagesByKey.get(key) ?? new Set<number>();
      seen.add(index);
      pagesByKey.set(key, seen);
    }
  });
  const keys = new Set<string>();
  for (const [key, seen] of pagesByKey) if (seen.size >= minPages) keys.add(key);
  return { keys };
}

/** The page's segments without its running headers, footers and page numbers. */
export function dropRunningSegments(segments: readonly LayoutSegment[], height: number, running: RunningLines): LayoutSegment[] {
  if (running.keys.size === 0) return [...segments];
  const drop = new Set(edgeSegments(segments, height).filter(({ key }) => running.keys.has(key)).map(({ segment }) => segment));
  return segments.filter((segment) => !drop.has(segment));
}
