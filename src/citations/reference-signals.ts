/**
 * Textual signals shared by the bibliography finder and the entry splitter: what a
 * bibliography heading, a reference label and a reference-looking paragraph look like.
 */

const BIBLIOGRAPHY_HEADINGS = new Set([
  "references",
  "reference",
  "bibliography",
  "literaturecited",
  "referencesandnotes",
  "referencescited",
  "workscited",
  "citedliterature",
  "literature",
  "bibliographyandreferences",
]);

/** One bibliography entry before its fields are parsed. */
export interface RawReference {
  /** The printed label ("12", "Kle98"), or "" for unlabelled entries. */
  label: string;
  /** The entry's text on one line. */
  raw: string;
}

/** Lines of an entry as one line of single-spaced text. */
export function joinLines(lines: readonly string[]): string {
  return lines.join(" ").replace(/\s+/g, " ").trim();
}

/** Markdown emphasis and escapes removed; they carry no meaning inside a reference. */
export function plainText(text: string): string {
  return text.replace(/\*\*/g, "").replace(/\\([#>])/g, "$1");
}

/**
 * Whether a heading (or a one-line paragraph) names a bibliography: "References", "7. REFERENCES",
 * "R EFERENCES" (small caps read as two words). A table-of-contents line ("References 14") is not.
 */
export function isBibliographyHeading(text: string): boolean {
  const name = plainText(text)
    .trim()
    .replace(/^(?:\d+(?:\.\d+)*\.?|[IVXLC]+\.|[A-Z]\.)\s+/, "")
    .replace(/[\s:.]+/g, "")
    .toLowerCase();
  return BIBLIOGRAPHY_HEADINGS.has(name);
}

/** How a reference entry is labelled. */
export type LabelStyle = "bracket-number" | "number-dot" | "number-bare" | "bracket-text";

/** A label at the start of a line. */
export interface LineLabel {
  style: LabelStyle;
  /** The label as printed, without brackets or dot: "12", "Kle98", "Banko et al., 2007". */
  label: string;
  number?: number;
}

// The text after a label starts like a reference: a name, an initial, a quote or a bracket.
const AFTER_LABEL = String.raw`\s*(?=[\p{Lu}\p{Lt}"“'‘(\[]|[\p{Ll}]{2,}\s)`;
// Numbered brackets are distinctive enough to accept any word after them ("[1] 2021. Title").
const BRACKET_NUMBER = /^\[(\d{1,3})\]\s*(?=[\p{L}\p{N}"“'‘([])/u;
// "10.Wang, R." happens when a typesetter drops the space after two-digit labels.
const NUMBER_DOT = /^(\d{1,3})\.(?:\s+(?=[\p{Lu}"“'‘([])|(?=\p{Lu}\p{Ll}))/u;
const NUMBER_BARE = new RegExp(String.raw`^(\d{1,3})\s+(?=\p{Lu}[\p{Ll}\p{Lu}'’-]*[\s,.])`, "u");
const BRACKET_TEXT = new RegExp(String.raw`^\[([^\]\s][^\]]{0,48}\p{L}[^\]]{0,48})\]${AFTER_LABEL}`, "u");

/** The label a line starts with, if any. */
export function lineLabel(line: string): LineLabel | undefined {
  const text = plainText(line).trimStart();
  let match = BRACKET_NUMBER.exec(text);
  if (match) return { style: "bracket-number", label: match[1]!, number: Number(match[1]) };
  match = NUMBER_DOT.exec(text);
  if (match) return { style: "number-dot", label: match[1]!, number: Number(match[1]) };
  match = BRACKET_TEXT.exec(text);
  if (match) return { style: "bracket-text", label: match[1]! };
  match = NUMBER_BARE.exec(text);
  if (match) return { style: "number-bare", label: match[1]!, number: Number(match[1]) };
  return undefined;
}

const YEAR = /(?<![\d/.])(?:1[89]\d{2}|20\d{2})[a-z]?(?![\d/])/;
const AUTHOR = new RegExp(
  [
    String.raw`\b\p{Lu}[\p{L}'’-]+,\s+(?:\p{Lu}\.\s?){1,3}`, // Smith, J. A.
    String.raw`\b(?:\p{Lu}\.\s?-?){1,3}\s?\p{Lu}[\p{L}'’-]+`, // J. A. Smith
    String.raw`\bet al\b`,
    String.raw`\b\p{Lu}[\p{Ll}'’-]+\s\p{Lu}{1,3}[,.]`, // Smith JA,
    String.raw`^\p{Lu}[\p{Ll}'’-]+(?:\s\p{Lu}\.)?\s\p{Lu}[\p{Ll}'’-]+(?:,|\sand\s)`, // Jane Smith, / Jane Smith and
  ].join("|"),
  "u",
);
const VENUE =
  /\b(?:Proc\.|Proceedings|Journal|J\.|Conference|Conf\.|Trans\.|Transactions|Workshop|Symposium|In:|pp\.|vol\.|Vol\.|pages|Press|arXiv|doi|DOI|Rev\.|Lett\.|University|Report|Thesis|ACM|IEEE|Springer|Elsevier|Phys\.)/;

/** "Oren Etzioni. 2011." / "pdf2image. 2023." — a short name part, then the year. */
export const AUTHOR_YEAR_START = /^[^.]{2,60}?\.\s\(?(?:19|20)\d{2}[a-z]?\)?[.,:]/u;

/** "Smith, J. 2017." — an entry cut after its authors and year, the title still to come. */
export const ENDS_AT_YEAR = /\.\s\(?(?:19|20)\d{2}[a-z]?\)?\.$/;

/** Whether an entry's text stops where more must follow (a list, a colon, authors and year). */
export function endsIncomplete(text: string): boolean {
  const trimmed = text.trim();
  return /[,:;&-]$|\band$/.test(trimmed) || ENDS_AT_YEAR.test(trimmed);
}

/** Whether a paragraph reads like (part of) a bibliography entry rather than prose. */
export function isReferenceLike(text: string): boolean {
  const plain = plainText(text);
  const hasYear = YEAR.test(plain);
  const labelled = lineLabel(plain) !== undefined;
  const author = AUTHOR.test(plain) || AUTHOR_YEAR_START.test(plain);
  const venue = VENUE.test(plain);
  // Prose (and author bios after a bibliography) is full of words references rarely contain.
  const prose = (plain.match(/\b(?:we|our|us|this paper|in this|is an?|he|she|his|her)\b/gi) ?? []).length;
  const bio = /\b(?:received (?:a|an|his|her|the)|joined|is an? (?:\w+ )?(?:professor|student|researcher|scientist|engineer|director|major))\b/i;
  if (prose >= 2 || bio.test(plain)) return false;
  return (hasYear && (labelled || author || venue)) || (labelled && (author || venue));
}

/** A year in a reference, as a number. */
export function yearsIn(text: string): number[] {
  return [...text.matchAll(new RegExp(YEAR.source, "g"))].map((match) => Number(match[0].slice(0, 4)));
}
