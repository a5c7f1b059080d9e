import { findArxivId, findDoi } from "../citations/parse-reference.ts";
import { guessDocumentTitle } from "../citations/guess-document-title.ts";
import { splitMarkdownBlocks } from "../text/markdown-blocks.ts";

/** What is known about a paper itself, read from its first page and the PDF's metadata. */
export interface PaperMetadata {
  title?: string;
  authors: string[];
  year?: number;
  doi?: string;
  arxivId?: string;
  venue?: string;
}

/** The PDF's own metadata as VALIDATE reads it (Info dictionary entries, XMP title). */
export interface PdfMetadata {
  title?: string;
  info?: Record<string, string | number | boolean>;
}

// How far down the first page the header (title, authors, venue) is looked for, in blocks.
const HEADER_BLOCKS = 30;
const ORGANISATION = /universit|institut|department|dept\.|school|college|laborator|\blab\b|center|centre|corporation|\binc\b|research|academy|foundation|hospital|faculty|google|microsoft|yahoo|ibm|allen|\bavenue\b|\bstreet\b|\broad\b|box\s+\d|\busa\b|germany|france|china|\buk\b/i;
const VENUE_LINE =
  /^(?:in\s+)?(?:proceedings of|proc\. of)|\b(?:\d{4}\s+)?(?:international |annual |acm |ieee )*(?:conference|symposium|workshop) on\b|\bjournal of\b|\btransactions on\b|\bannual meeting of\b/i;
const VENUE =
  /\b(?:proceedings|proc\.|conference|symposium|workshop|journal|transactions|letters|annual meeting|acm|ieee|neurips|nips|icml|iclr|acl|emnlp|naacl|sigir|sigmod|vldb|www\d{0,4}|kdd|chi|cikm|osdi|sosp|nsdi|usenix|ai magazine|trec)\b/i;
const MONTH = "(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?";
const DATED = new RegExp(
  `(?:\\b${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+|\\b\\d{1,2}\\s+${MONTH}\\s+|(?:©|copyright|published|accepted|received)\\D{0,40}?)((?:19|20)\\d{2})\\b`,
  "i",
);

function firstPageText(firstPage: string): string {
  return firstPage.replace(/\*\*/g, "").replace(/\\([#>])/g, "$1");
}

/** Person names from the lines between the title and the abstract. */
function readAuthors(blocks: { headingLevel: number; text: string }[], title: string | undefined): string[] {
  const names: string[] = [];
  let afterTitle = title === undefined;
  for (const block of blocks) {
    const text = block.text.replace(/\*\*/g, "").trim();
    if (!afterTitle) {
      if (title && text.replace(/\s+/g, " ").includes(title.slice(0, 30))) afterTitle = true;
      continue;
    }
    // The abstract, the first section or a body paragraph ends the author lines.
    if (/^(?:abstract|[ivx\d]+\.?\s+introduction|introduction|keywords)\b/i.test(text) || text.length > 400) break;
    for (const line of text.split("\n")) {
      if (/@|https?:|www\.|\d{3,}/.test(line) || ORGANISATION.test(line)) continue;
      for (const part of line.split(/\s*(?:,|;|\band\b|&|\s{2,}|\s(?=\p{Lu}[\p{Ll}'’-]+\s\p{Lu}[\p{Ll}'’-]+\s*$))\s*/u)) {
        // Footnote marks and affiliation indices stuck to names ("Gal∗+", "Bolejko1,2").
        const name = part.replace(/[\d∗*†‡§¶#$+□⋄♦♣αβγδετωηé]+$/u, "").replace(/\s+/g, " ").trim();
        const words = name.split(" ");
        const personLike =
          words.length >= 2 &&
          words.length <= 5 &&
          words.every((word) => /^(?:\p{Lu}[\p{L}'’.-]*|van|von|de|der|da|di|la|le)$/u.test(word)) &&
          !ORGANISATION.test(name) &&
          !VENUE.test(name);
        if (personLike && !names.includes(name)) names.push(name);
      }
    }
    if (names.length >= 40) break;
  }
  // All-capital names ("TAL AUGUST") read better in title case.
  return names.map((name) => (name === name.toUpperCase() ? name.toLowerCase().replace(/(^|[\s'-])(\p{L})/gu, (m) => m.toUpperCase()) : name));
}

function readYear(text: string, arxivId: string | undefined, info: PdfMetadata["info"]): number | undefined {
  const dated = DATED.exec(text);
  if (dated) return Number(dated[1]);
  const venueYear = text
    .split("\n")
    .slice(0, 40)
    .find((line) => VENUE.test(line) && /\b(?:19|20)\d{2}\b/.test(line));
  if (venueYear) return Number(/\b((?:19|20)\d{2})\b/.exec(venueYear)![1]);
  // A new-style arXiv id starts with the year and month of submission.
  if (arxivId && /^\d{4}\./.test(arxivId)) return 2000 + Number(arxivId.slice(0, 2));
  const created = typeof info?.CreationDate === "string" ? /^D:((?:19|20)\d{2})/.exec(info.CreationDate) : null;
  return created ? Number(created[1]) : undefined;
}

function readVenue(blocks: { text: string }[]): string | undefined {
  for (const block of blocks) {
    for (const line of block.text.replace(/\*\*/g, "").split("\n")) {
      const clean = line.replace(/\s+/g, " ").trim();
      const start = clean.search(/(?:proceedings|\d{4}\s+international|[\w ]*conference on|journal of)/i);
      if (clean.length <= 200 && VENUE_LINE.test(clean) && !/@|copyright|©/i.test(clean)) return clean.slice(Math.max(0, start)).replace(/[,.\s]+$/, "");
    }
  }
  return undefined;
}

function infoText(info: PdfMetadata["info"]): string {
  return Object.values(info ?? {})
    .filter((value): value is string => typeof value === "string")
    .join("\n");
}

/**
 * Reads a paper's own metadata: the title guessed from the first page (the PDF's title entry
 * only when the page has none: producers fill it with file names), the authors between the
 * title and the abstract, a year from dates on the page, the DOI and arXiv id on the page or
 * in the PDF's metadata, and the venue from a proceedings/journal line near the top.
 */
export function extractPaperMetadata(firstPage: string, pdf: PdfMetadata = {}): PaperMetadata {
  const text = firstPageText(firstPage);
  const blocks = splitMarkdownBlocks([firstPage]).slice(0, HEADER_BLOCKS);
  const title = guessDocumentTitle(firstPage) ?? pdf.title;
  const metadataText = infoText(pdf.info);
  const doi = findDoi(text) ?? findDoi(metadataText);
  const arxivId = findArxivId(text) ?? findArxivId(metadataText);
  const authorsFromPage = readAuthors(blocks, title);
  const infoAuthor = typeof pdf.info?.Author === "string" ? pdf.info.Author : "";
  const authors =
    authorsFromPage.length > 0
      ? authorsFromPage
      : infoAuthor
          .split(/\s*(?:;|,|\band\b)\s*/)
          .map((name) => name.trim())
          .filter((name) => /\p{L}{2}/u.test(name) && name.split(" ").length >= 2);
  const year = readYear(text, arxivId, pdf.info);
  const venue = readVenue(blocks);
  return {
    ...(title ? { title } : {}),
    authors,
    ...(year ? { year } : {}),
    ...(doi ? { doi } : {}),
    ...(arxivId ? { arxivId } : {}),
    ...(venue ? { venue } : {}),
  };
}
