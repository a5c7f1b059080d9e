// Function words that say nothing about what a text is about.
const STOPWORDS = new Set(
  (
    "a about above after again against all also am an and any are as at be because been before being below " +
    "between both but by can could did do does doing down during each few for from further had has have having " +
    "he her here hers herself him himself his how i if in into is it its itself just me more most my myself no " +
    "nor not now of off on once only or other our ours ourselves out over own same she should so some such than " +
    "that the their theirs them themselves then there these they this those through to too under until up very " +
    "was we were what when where which while who whom why will with would you your yours yourself yourselves " +
    "may might must shall us via per et al eg ie"
  ).split(" "),
);

/** Whether a lower-cased word is a stopword. */
export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/**
 * Reduces common English inflections so "networks"/"network" and "ranking"/"ranked"/"rank"
 * meet. Deliberately light: it only needs to be consistent, not linguistically right.
 */
export function stem(word: string): string {
  if (word.length <= 4) return word;
  if (word.endsWith("ies") && word.length > 5) return `${word.slice(0, -3)}y`;
  if (word.endsWith("sses")) return word.slice(0, -2);
  if (word.endsWith("ing") && word.length > 6) return word.slice(0, -3);
  if (word.endsWith("ed") && word.length > 5) return word.slice(0, -2);
  if (word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us") && !word.endsWith("is")) return word.slice(0, -1);
  return word;
}

/** Lower-cased words without diacritics, in order; letters and digits only. */
export function words(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

/** Content terms of a text: words minus stopwords and one-letter tokens, stemmed, in order. */
export function contentTerms(text: string): string[] {
  return words(text)
    .filter((word) => word.length > 1 && !isStopword(word))
    .map(stem);
}
