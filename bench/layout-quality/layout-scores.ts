/**
 * Scores one extractor's per-page text against hand-made layout truth (see
 * test/fixtures/layout-truth/README.md). Text is compared "squashed": NFKC, lower case, letters
 * and digits only, so hyphenation, spacing and markdown markers never decide a match; only the
 * order of the words does.
 */

/** The truth of one corpus file. */
export interface LayoutTruth {
  file: string;
  /** First and last page covered, 1-based. */
  pages: [number, number];
  sentences: { page: number; text: string }[];
  headings: string[];
  optionalHeadings: string[];
  running: { text: string; pages: number[] }[];
  tables: { page: number; caption: string; row: string[] }[];
  formValues?: { page: number; text: string }[];
}

/** Counts for one file; summed over files by the bench. */
export interface LayoutCounts {
  sentences: number;
  sentencesIntact: number;
  headings: number;
  headingsFound: number;
  headingsEmitted: number;
  headingsFalse: number;
  running: number;
  runningLeft: number;
  tables: number;
  tablesRecovered: number;
  formValues: number;
  formValuesFound: number;
  /** Multiset token overlap with the reference text. */
  tokensOut: number;
  tokensRef: number;
  tokensCommon: number;
}

export function squash(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
}

function tokens(text: string): string[] {
  return text.normalize("NFKC").toLowerCase().match(/[\p{L}\p{M}]+|\p{N}+/gu) ?? [];
}

/** pdftotext keeps line-end hyphens; the reference joins them so both sides count words alike. */
export function dehyphenateReference(text: string): string {
  return text.replace(/(\p{L})-\n(\p{Ll})/gu, "$1$2");
}

function stripMarkdown(line: string): string {
  return line.replace(/^#{1,6}\s+/, "").replace(/\*\*/g, "").trim();
}

function headingMatches(emitted: string, truth: string): boolean {
  const [a, b] = [squash(emitted), squash(truth)];
  if (a.length === 0 || b.length === 0) return false;
  if (a === b) return true;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return long.includes(short) && short.length >= 0.6 * long.length;
}

/** Markdown tables of one page: each a list of rows, each row a list of cells. */
function markdownTables(page: string): string[][][] {
  const tables: string[][][] = [];
  let current: string[][] | undefined;
  for (const line of page.split("\n")) {
    if (/^\s*\|.*\|\s*$/.test(line)) {
      const cells = line.trim().slice(1, -1).split("|").map((cell) => cell.trim());
      if (cells.every((cell) => /^:?-{3,}:?$/.test(cell))) continue;
      (current ??= []).push(cells);
      if (current.length === 1) tables.push(current);
    } else {
      current = undefined;
    }
  }
  return tables;
}

/**
 * Scores `pages` (text of every page of the document, index 0 = page 1) against `truth`;
 * `reference` is the token reference text of the same pages (pdftotext, dehyphenated).
 */
export function scoreLayout(truth: LayoutTruth, pages: readonly string[], reference: readonly string[], markdown: boolean): LayoutCounts {
  const [first, last] = truth.pages;
  const pageText = (n: number) => pages[n - 1] ?? "";
  const counts: LayoutCounts = {
    sentences: truth.sentences.length,
    sentencesIntact: 0,
    headings: truth.headings.length,
    headingsFound: 0,
    headingsEmitted: 0,
    headingsFalse: 0,
    running: 0,
    runningLeft: 0,
    tables: truth.tables.length,
    tablesRecovered: 0,
    formValues: truth.formValues?.length ?? 0,
    formValuesFound: 0,
    tokensOut: 0,
    tokensRef: 0,
    tokensCommon: 0,
  };
  for (const sentence of truth.sentences) {
    // A sentence may run on to the next page.
    const text = squash(`${pageText(sentence.page)}\n${pageText(sentence.page + 1)}`);
    if (text.includes(squash(sentence.text))) counts.sentencesIntact++;
  }
  if (markdown && truth.headings.length > 0) {
    const emitted: string[] = [];
    for (let n = first; n <= last; n++) {
      for (const line of pageText(n).split("\n")) if (/^#{1,6}\s/.test(line)) emitted.push(stripMarkdown(line));
    }
    counts.headingsEmitted = emitted.length;
    counts.headingsFound = truth.headings.filter((heading) => emitted.some((line) => headingMatches(line, heading))).length;
    const known = [...truth.headings, ...truth.optionalHeadings];
    counts.headingsFalse = emitted.filter((line) => !known.some((heading) => headingMatches(line, heading))).length;
  }
  for (const running of truth.running) {
    const key = squash(running.text);
    for (const n of running.pages) {
      counts.running++;
      const left = pageText(n)
        .split("\n")
        .map((line) => squash(stripMarkdown(line)))
        .some((line) => line === key || (key.length >= 12 && line.includes(key)));
      if (left) counts.runningLeft++;
    }
  }
  if (markdown) {
    for (const table of truth.tables) {
      const text = pageText(table.page);
      const wanted = table.row.map(squash);
      const rowFound = markdownTables(text).some((rows) =>
        rows.some((row) => {
          const cells = new Set(row.map(squash));
          return wanted.every((cell) => cells.has(cell));
        }),
      );
      if (rowFound && squash(text).includes(squash(table.caption).slice(0, 25))) counts.tablesRecovered++;
    }
  }
  for (const value of truth.formValues ?? []) {
    if (squash(pageText(value.page)).includes(squash(value.text))) counts.formValuesFound++;
  }
  for (let n = first; n <= last; n++) {
    const out = tokens(pageText(n));
    const ref = tokens(dehyphenateReference(reference[n - 1] ?? ""));
    const refCounts = new Map<string, number>();
    for (const token of ref) refCounts.set(token, (refCounts.get(token) ?? 0) + 1);
    // Running lines are meant to go: they are not words a reader of the text should get back.
    let removed = 0;
    for (const running of truth.running) {
      if (!running.pages.includes(n)) continue;
      for (const token of tokens(running.text)) {
        const left = refCounts.get(token) ?? 0;
        if (left > 0) {
          refCounts.set(token, left - 1);
          removed++;
        }
      }
    }
    let common = 0;
    for (const token of out) {
      const left = refCounts.get(token) ?? 0;
      if (left > 0) {
        common++;
        refCounts.set(token, left - 1);
      }
    }
    counts.tokensOut += out.length;
    counts.tokensRef += ref.length - removed;
    counts.tokensCommon += common;
  }
  return counts;
}

/** Sums the counts of several files. */
export function addCounts(a: LayoutCounts, b: LayoutCounts): LayoutCounts {
  const sum = { ...a };
  for (const key of Object.keys(b) as (keyof LayoutCounts)[]) sum[key] = a[key] + b[key];
  return sum;
}
