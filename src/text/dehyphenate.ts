// A line ending in a letter-hyphen (or a soft hyphen) may be a word broken by the typesetter.
const BROKEN_END = /(\S*?)(\p{L}+)[-\u00AD]$/u;
const CONTINUATION_START = /^(\p{Ll}[\p{L}]*)(\S*)\s*(.*)$/u;

/** Lower-cased word counts of the document, hyphenated compounds counted as one word. */
function countWords(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    // The last word of a line may be a broken one; it would vote for itself.
    const words = line.replace(/\S+[-\u00AD]$/, "").match(/\p{L}+(?:-\p{L}+)*/gu) ?? [];
    for (const word of words) {
      const lower = word.toLowerCase();
      counts.set(lower, (counts.get(lower) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * Whether a hyphen at a line break belongs to the word ("peer-to-\npeer", "state-\nof-the-art")
 * or was added by hyphenation ("compu-\ntation"). Compounds hyphenated elsewhere on either side
 * of the break keep it; otherwise the document's own spelling decides, and joining wins a tie.
 */
function keepsHyphen(
  prefix: string,
  left: string,
  right: string,
  trailing: string,
  counts: Map<string, number>,
): boolean {
  if (prefix.includes("-") || /^-\p{L}/u.test(trailing)) return true;
  const joined = counts.get(`${left}${right}`.toLowerCase()) ?? 0;
  const hyphenated = counts.get(`${left}-${right}`.toLowerCase()) ?? 0;
  return hyphenated > joined;
}

/**
 * Re-joins words broken across line ends, moving the rest of the word up to the first line.
 * `pages` are the lines of each page; a word broken across a page break is joined too.
 */
export function dehyphenatePages(pages: readonly string[][]): string[][] {
  const result = pages.map((lines) => [...lines]);
  const counts = countWords(result.flat());
  const emptied = new Set<string>();
  const positions: { page: number; line: number }[] = [];
  result.forEach((lines, page) => lines.forEach((_line, line) => positions.push({ page, line })));
  for (let i = 0; i + 1 < positions.length; i++) {
    const here = positions[i]!;
    const text = result[here.page]![here.line]!;
    const broken = BROKEN_END.exec(text);
    if (!broken) continue;
    // The continuation is the next non-empty line (a page break may sit in between).
    let j = i + 1;
    while (j < positions.length && result[positions[j]!.page]![positions[j]!.line]!.trim() === "") j++;
    if (j >= positions.length) continue;
    const there = positions[j]!;
    const next = result[there.page]![there.line]!;
    const continuation = CONTINUATION_START.exec(next);
    if (!continuation) continue;
    const [, right, trailing, rest] = continuation as unknown as [string, string, string, string];
    const [, prefix, left] = broken as unknown as [string, string, string];
    const soft = text.endsWith("\u00AD");
    const hyphen = !soft && keepsHyphen(prefix, left, right, trailing, counts) ? "-" : "";
    result[here.page]![here.line] = `${text.slice(0, -1)}${hyphen}${right}${trailing}`;
    result[there.page]![there.line] = rest;
    if (rest === "") emptied.add(`${there.page}:${there.line}`);
  }
  // A line that gave its only word away goes, rather than splitting its paragraph in two.
  return result.map((lines, page) => lines.filter((_line, line) => !emptied.has(`${page}:${line}`)));
}
