/**
 * Finding a paper's title inside a bibliography entry. Both are compared as "squashed" text:
 * lower-case letters and digits only, diacritics removed, so hyphenation leftovers
 * ("SciB- ERT"), lost spaces ("Paperswith") and punctuation differences do not matter.
 */

/** A squashed string plus, for each of its characters, the index in the original text. */
export interface SquashedText {
  chars: string;
  positions: number[];
}

/** Lower-cases, strips diacritics and keeps only letters and digits, remembering positions. */
export function squash(text: string): SquashedText {
  let chars = "";
  const positions: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const base = text[i]!.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    for (const char of base) {
      if (/[\p{L}\p{N}]/u.test(char)) {
        chars += char;
        positions.push(i);
      }
    }
  }
  return { chars, positions };
}

/** Where a pattern best occurs in a text, allowing edits (Sellers' approximate matching). */
export interface ApproximateMatch {
  start: number;
  end: number;
  edits: number;
}

/**
 * The substring of `text` closest to `pattern` by edit distance, if within `maxEdits`.
 * Ties go to the earliest end; the start is recovered by matching the pattern backwards.
 */
export function findApproximate(pattern: string, text: string, maxEdits: number): ApproximateMatch | undefined {
  const m = pattern.length;
  if (m === 0 || text.length === 0) return undefined;
  let column = Array.from({ length: m + 1 }, (_v, i) => i);
  let best: { end: number; edits: number } | undefined;
  for (let j = 1; j <= text.length; j++) {
    const next = [0];
    for (let i = 1; i <= m; i++) {
      const cost = pattern[i - 1] === text[j - 1] ? 0 : 1;
      next.push(Math.min(column[i]! + 1, next[i - 1]! + 1, column[i - 1]! + cost));
    }
    column = next;
    if (column[m]! <= maxEdits && (!best || column[m]! < best.edits)) best = { end: j, edits: column[m]! };
  }
  if (!best) return undefined;
  // The same DP run backwards over the reversed strings finds where the match starts.
  const reversedPattern = [...pattern].reverse().join("");
  const prefix = [...text.slice(0, best.end)].reverse().join("");
  let back = Array.from({ length: m + 1 }, (_v, i) => i);
  let start = best.end - m;
  // Of the equally good starts, the earliest (longest match) keeps a whole first word.
  for (let j = 1; j <= Math.min(prefix.length, m + maxEdits); j++) {
    const next = [0];
    for (let i = 1; i <= m; i++) {
      const cost = reversedPattern[i - 1] === prefix[j - 1] ? 0 : 1;
      next.push(Math.min(back[i]! + 1, next[i - 1]! + 1, back[i - 1]! + cost));
    }
    back = next;
    if (back[m]! === best.edits) start = best.end - j;
  }
  return { start, end: best.end, edits: best.edits };
}

/** Words of a title for a quick overlap check before the costly approximate search. */
export function titleWords(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 2);
}

// A title in a reference is delimited by punctuation, a quote, a year or the entry's ends.
const BEFORE_TITLE = /(?:^|[.,:;"“'‘()[\]]|\d{4}[a-z]?)\s*$/;
// A colon after the match means the cited title goes on with a subtitle: another paper.
const AFTER_TITLE = /^\s*(?:$|[.,;"”'’?!()[\]]|[-–—]\s)/;

/**
 * Whether `title` appears in `reference` as a whole title: found with at most ~8% edits and
 * bounded by punctuation on both sides, so "Open Information Extraction" is not found inside
 * "Open information extraction from the web: a survey" (the words continue). Returns the
 * fraction of the title that matched (1 = exact), or 0.
 */
export function titleMatchScore(title: string, reference: string): number {
  const pattern = squash(title).chars;
  if (pattern.length < 10) return 0;
  const text = squash(reference);
  const maxEdits = pattern.length < 20 ? 0 : Math.floor(pattern.length * 0.08);
  const match = findApproximate(pattern, text.chars, maxEdits);
  if (!match) return 0;
  const from = text.positions[match.start];
  const to = text.positions[match.end - 1];
  if (from === undefined || to === undefined) return 0;
  if (!BEFORE_TITLE.test(reference.slice(0, from)) || !AFTER_TITLE.test(reference.slice(to + 1))) return 0;
  return 1 - match.edits / pattern.length;
}
