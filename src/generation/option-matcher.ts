/**
 * Maps free text (a model's answer, a profile value) onto a field's options. Choice fields
 * must always receive one of their options verbatim, whatever the model wrote.
 */

/** How an option was chosen, from most to least certain. */
export type MatchMethod = "exact" | "normalised" | "contained" | "similarity";

/** The chosen option. `score` is 1 for exact/normalised/contained and the similarity otherwise. */
export interface OptionMatch {
  option: string;
  index: number;
  method: MatchMethod;
  score: number;
}

/**
 * Lowercase, without accents, apostrophes or punctuation, single-spaced: "Bachelor's Degree
 * (B.Sc.)" and "bachelors degree bsc" compare equal.
 */
export function normaliseForMatch(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/['’.]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/**
 * Sørensen–Dice coefficient over character bigrams of the normalised strings (spaces removed),
 * 0..1. Small enough to keep here rather than adding a dependency for it.
 */
export function diceSimilarity(a: string, b: string): number {
  const left = normaliseForMatch(a).replace(/ /g, "");
  const right = normaliseForMatch(b).replace(/ /g, "");
  if (left === right) return left.length > 0 ? 1 : 0;
  if (left.length < 2 || right.length < 2) return 0;
  const counts = new Map<string, number>();
  for (let i = 0; i < left.length - 1; i++) {
    const gram = left.slice(i, i + 2);
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  let shared = 0;
  for (let i = 0; i < right.length - 1; i++) {
    const gram = right.slice(i, i + 2);
    const count = counts.get(gram) ?? 0;
    if (count > 0) {
      counts.set(gram, count - 1);
      shared++;
    }
  }
  return (2 * shared) / (left.length - 1 + right.length - 1);
}

/**
 * The option `text` names with certainty, or null: exact, then normalised equality, then an
 * option appearing as whole words in the text ("No, I don't need sponsorship" -> "No"; the
 * longest wins, then the earliest), then the text appearing as whole words in exactly one
 * option ("Bachelor" -> "Bachelor's degree").
 */
export function findOption(text: string, options: readonly string[]): OptionMatch | null {
  const trimmed = text.trim();
  const exact = options.indexOf(trimmed);
  if (exact >= 0) return { option: options[exact]!, index: exact, method: "exact", score: 1 };

  const answer = normaliseForMatch(trimmed);
  if (answer === "") return null;
  const normalised = options.map(normaliseForMatch);
  const equal = normalised.indexOf(answer);
  if (equal >= 0) return { option: options[equal]!, index: equal, method: "normalised", score: 1 };

  const padded = ` ${answer} `;
  let best: { index: number; length: number; position: number } | null = null;
  for (const [index, option] of normalised.entries()) {
    if (option === "") continue;
    const position = padded.indexOf(` ${option} `);
    if (position < 0) continue;
    if (!best || option.length > best.length || (option.length === best.length && position < best.position)) {
      best = { index, length: option.length, position };
    }
  }
  if (best) return { option: options[best.index]!, index: best.index, method: "contained", score: 1 };

  const containing = normalised.flatMap((option, index) => (` ${option} `.includes(padded) ? [index] : []));
  if (containing.length === 1) {
    const index = containing[0]!;
    return { option: options[index]!, index, method: "contained", score: 1 };
  }
  return null;
}

/**
 * Always returns an option: findOption's answer if certain, otherwise the most similar option
 * (Dice coefficient; ties go to the earlier option). Callers record method "similarity".
 */
export function matchOption(text: string, options: readonly string[]): OptionMatch {
  const certain = findOption(text, options);
  if (certain) return certain;
  let bestIndex = 0;
  let bestScore = -1;
  for (const [index, option] of options.entries()) {
    const score = diceSimilarity(text, option);
    if (score > bestScore) {
      bestIndex = index;
      bestScore = score;
    }
  }
  return { option: options[bestIndex]!, index: bestIndex, method: "similarity", score: Math.max(bestScore, 0) };
}
