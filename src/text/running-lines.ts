// Lines this close to the top or bottom of a page are where running headers and footers live.
const EDGE_LINES = 4;

/**
 * What stays the same in a running header across pages: digits (page numbers) become "#".
 * Heading markers stay in the key, so a title is not taken for the running header repeating it.
 */
function lineKey(line: string): string {
  return line
    .replace(/\*\*/g, "")
    .toLowerCase()
    .replace(/\d+/g, "#")
    .replace(/\s+/g, " ")
    .trim();
}

function contentLineIndexes(lines: readonly string[]): number[] {
  const indexes: number[] = [];
  lines.forEach((line, index) => {
    if (line.trim().length > 0) indexes.push(index);
  });
  return indexes;
}

function edgeIndexes(lines: readonly string[]): number[] {
  const content = contentLineIndexes(lines);
  // On a short page the edges must not swallow the body.
  const size = Math.min(EDGE_LINES, Math.floor(content.length / 3));
  if (size === 0) return [];
  const edges = new Set([...content.slice(0, size), ...content.slice(-size)]);
  return [...edges];
}

/**
 * Page numbers are sometimes read mid-page (a two-column page puts a centred number at the end
 * of a column). A bare number counts as the page number when number minus page index is the
 * same on several pages.
 */
function pageNumberOffset(pages: readonly string[][]): number | undefined {
  const pagesByOffset = new Map<number, Set<number>>();
  pages.forEach((lines, pageIndex) => {
    for (const line of lines) {
      const match = /^\s*(?:page\s+)?(\d{1,4})\s*$/i.exec(line);
      if (!match) continue;
      const offset = Number(match[1]) - pageIndex;
      const seen = pagesByOffset.get(offset) ?? new Set<number>();
      seen.add(pageIndex);
      pagesByOffset.set(offset, seen);
    }
  });
  let best: number | undefined;
  let bestCount = 0;
  for (const [offset, seen] of pagesByOffset) {
    if (seen.size > bestCount) {
      best = offset;
      bestCount = seen.size;
    }
  }
  return bestCount >= Math.max(2, Math.ceil(pages.length * 0.3)) ? best : undefined;
}

/**
 * Removes running headers and footers: lines near the top or bottom of a page whose text
 * (with numbers masked) recurs there on many pages, plus page numbers wherever they were read.
 * Takes and returns the lines of each page.
 */
export function removeRunningLines(pages: readonly string[][]): string[][] {
  const minPages = pages.length <= 3 ? 2 : Math.max(3, Math.ceil(pages.length * 0.25));
  const pagesByKey = new Map<string, Set<number>>();
  pages.forEach((lines, pageIndex) => {
    for (const index of edgeIndexes(lines)) {
      const key = lineKey(lines[index]!);
      if (key.length === 0) continue;
      const seen = pagesByKey.get(key) ?? new Set<number>();
      seen.add(pageIndex);
      pagesByKey.set(key, seen);
    }
  });
  const offset = pageNumberOffset(pages);
  return pages.map((lines, pageIndex) => {
    const drop = new Set<number>();
    for (const index of edgeIndexes(lines)) {
      if ((pagesByKey.get(lineKey(lines[index]!))?.size ?? 0) >= minPages) drop.add(index);
    }
    if (offset !== undefined) {
      lines.forEach((line, index) => {
        const match = /^\s*(?:page\s+)?(\d{1,4})\s*$/i.exec(line);
        if (match && Number(match[1]) - pageIndex === offset) drop.add(index);
      });
    }
    return lines.filter((_line, index) => !drop.has(index));
  });
}
