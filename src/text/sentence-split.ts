// Words that end with a period without ending a sentence.
const ABBREVIATIONS = new Set(
  (
    "al etc eg ie cf vs fig figs eq eqs sec secs ch no nos vol vols pp p ed eds dr mr mrs ms prof st jr sr " +
    "inc ltd co corp approx resp ref refs tab jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e u.s"
  ).split(" "),
);

// Sentence end: terminal punctuation (and closing quotes/brackets), whitespace, then something
// that can start a sentence.
const BOUNDARY = /([.!?]+)(["”’)\]]*)\s+(?=["“‘([]?[\p{Lu}\p{N}])/gu;

/**
 * Splits text into sentences. Line breaks count as spaces; abbreviations ("et al.", "Fig.",
 * "e.g.") and initials ("J. Smith") do not end a sentence.
 */
export function splitSentences(text: string): string[] {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length === 0) return [];
  const sentences: string[] = [];
  let start = 0;
  for (const match of flat.matchAll(BOUNDARY)) {
    const end = match.index + match[1]!.length + match[2]!.length;
    if (match[1] === ".") {
      const word = /([\p{L}.]+)$/u.exec(flat.slice(start, match.index))?.[1] ?? "";
      if (ABBREVIATIONS.has(word.toLowerCase()) || /^\p{Lu}$/u.test(word)) continue;
    }
    sentences.push(flat.slice(start, end).trim());
    start = match.index + match[0].length;
  }
  if (start < flat.length) sentences.push(flat.slice(start).trim());
  return sentences.filter((sentence) => sentence.length > 0);
}
