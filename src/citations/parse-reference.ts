import { yearsIn } from "./reference-signals.ts";

/** Fields read from one bibliography entry; each is absent when it could not be read. */
export interface ReferenceFields {
  title?: string;
  authors?: string[];
  year?: number;
  doi?: string;
  arxivId?: string;
}

const DOI = /\b(10\.\d{4,9}\/[^\s"<>]+)/i;
const ARXIV_NEW = /(?:arxiv(?:\.org\/(?:abs|pdf))?[:/\s]*|abs\/)(\d{4}\.\d{4,5})(?:v\d+)?/i;
const ARXIV_OLD = /arxiv[:\s]*([a-z-]+(?:\.[a-z]{2})?\/\d{7})/i;

/** The DOI in an entry, lower-cased (DOIs are case-insensitive) and without trailing punctuation. */
export function findDoi(text: string): string | undefined {
  const match = DOI.exec(text.replace(/doi\.org\/\s+/i, "doi.org/"));
  return match ? match[1]!.replace(/[.,;:)\]}]+$/, "").toLowerCase() : undefined;
}

/** The arXiv identifier in an entry ("2103.01234", "hep-th/9901001"), without version. */
export function findArxivId(text: string): string | undefined {
  const match = ARXIV_NEW.exec(text) ?? ARXIV_OLD.exec(text);
  return match ? match[1]!.toLowerCase() : undefined;
}

/**
 * Splits an entry at sentence-like boundaries: ". " that does not follow an initial ("J. Smith")
 * or a common abbreviation, plus "? " and "! ".
 */
export function referenceSegments(text: string): string[] {
  const segments: string[] = [];
  let start = 0;
  const boundary = /([.?!])["”’]?\s+/g;
  for (let match = boundary.exec(text); match; match = boundary.exec(text)) {
    const before = text.slice(start, match.index);
    const lastWord = /(\S+)$/.exec(before)?.[1] ?? "";
    if (match[1] === "." && /^(?:\p{Lu}|\p{Lu}\p{Ll}?|[A-Z]\.[A-Z]|al|et|Proc|Conf|Int|Intl|Jr|Sr|St|vs|eds?|pp|vol|no|Vol|No|Dept|Univ|Inc|Ltd)$/u.test(lastWord.replace(/^.*\./, ""))) {
      continue;
    }
    segments.push(text.slice(start, match.index + 1).trim());
    start = match.index + match[0].length;
  }
  if (start < text.length) segments.push(text.slice(start).trim());
  return segments.filter((segment) => segment.length > 0);
}

const QUOTED = /["“]([^"”]{8,300}?)[,.]?["”]/;
// "Smith, J. 2007." / "Smith J (2007):" / "Smith et al. (2007)." — the title follows the year.
const YEAR_AFTER_AUTHORS = /^(.{3,400}?)[\s.,]\(?((?:1[89]|20)\d{2})[a-z]?\)?[.:,]\s+(.*)$/u;

function cleanTitle(title: string): string | undefined {
  const cleaned = title.replace(/^[\s"“‘']+|[\s"”’',.:;]+$/g, "").replace(/\s+/g, " ");
  return cleaned.split(" ").length >= 2 || cleaned.length >= 12 ? cleaned : undefined;
}

function splitAuthors(text: string): string[] | undefined {
  const names = text
    .replace(/\bet al\.?/g, "")
    .split(/\s*(?:;|,\s*and\s|\sand\s|&|,(?=\s*\p{Lu}[\p{Ll}'’-]+(?:\s|,|$))|,(?=\s*(?:\p{Lu}\.\s?)+\p{Lu}))\s*/u)
    .map((name) => name.replace(/^[\s,]+|[\s,.]+$/g, ""))
    .filter((name) => /\p{L}{2}/u.test(name) && name.length <= 60);
  return names.length > 0 && names.length <= 50 ? names : undefined;
}

/** Reads title, authors, year, DOI and arXiv id from one entry's text (label removed). */
export function parseReference(raw: string): ReferenceFields {
  const fields: ReferenceFields = {};
  const doi = findDoi(raw);
  if (doi) fields.doi = doi;
  const arxivId = findArxivId(raw);
  if (arxivId) fields.arxivId = arxivId;
  // Years inside identifiers and URLs are not publication years.
  const withoutIds = raw.replace(DOI, " ").replace(/https?:\/\/\S+/g, " ").replace(/\d{4}\.\d{4,5}/g, " ");
  const authorYear = YEAR_AFTER_AUTHORS.exec(withoutIds);
  if (authorYear && authorYear[1]!.split(/\s+/).length <= 60 && !/["“]/.test(authorYear[1]!)) {
    fields.year = Number(authorYear[2]);
    const authors = splitAuthors(authorYear[1]!.replace(/\($/, ""));
    if (authors) fields.authors = authors;
    const quoted = QUOTED.exec(authorYear[3]!);
    const title = quoted ? quoted[1]! : referenceSegments(authorYear[3]!)[0];
    const cleaned = title === undefined ? undefined : cleanTitle(title);
    if (cleaned) fields.title = cleaned;
    return fields;
  }
  const years = yearsIn(withoutIds);
  if (years.length > 0) fields.year = years.at(-1)!;
  const quoted = QUOTED.exec(raw);
  if (quoted) {
    const cleaned = cleanTitle(quoted[1]!);
    if (cleaned) fields.title = cleaned;
    const authors = splitAuthors(raw.slice(0, quoted.index));
    if (authors) fields.authors = authors;
    return fields;
  }
  // "Authors. Title. Venue, year." — the usual numbered style without quotes.
  const segments = referenceSegments(raw);
  if (segments.length >= 2) {
    const authors = splitAuthors(segments[0]!);
    if (authors) fields.authors = authors;
    const cleaned = cleanTitle(segments[1]!);
    if (cleaned) fields.title = cleaned;
  }
  return fields;
}
