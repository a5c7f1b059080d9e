import type { MarkdownBlock } from "../text/markdown-blocks.ts";
import type { BibliographySpan } from "./find-bibliography.ts";
import {
  AUTHOR_YEAR_START,
  ENDS_AT_YEAR,
  endsIncomplete,
  isReferenceLike,
  joinLines,
  plainText,
  yearsIn,
  type RawReference,
} from "./reference-signals.ts";

/*
 * Bibliographies without labels (author-year styles): the entries come from the layout's
 * paragraphs, repaired where the layout could not see an entry boundary or a break cut one.
 */

// How an author-year entry starts: "Smith, J.", "Smith JA,", "J. Smith,", "van der Berg, A." or
// a full name followed by a comma or "and" ("Jane Q. Smith, ...", "Diederik P. Kingma and").
const AUTHOR_START = new RegExp(
  [
    String.raw`^(?:(?:van|von|de|der|del|da|di|la|le)\s)*\p{Lu}[\p{L}'’-]+(?:,\s*(?:\p{Lu}\.|\p{Lu}\p{Ll}+)|\s\p{Lu}{1,3}[,.\s])`,
    String.raw`^(?:\p{Lu}\.\s?-?){1,3}\s?\p{Lu}[\p{L}'’-]+,`,
    String.raw`^\p{Lu}[\p{Ll}'’-]+(?:\s(?:\p{Lu}\.|\p{Lu}\p{Ll}+)){0,2}\s(?:(?:van|von|de|der|del|da|di|la|le)\s)*\p{Lu}[\p{L}'’-]+(?:,|\sand\s)`,
  ].join("|"),
  "u",
);
// Lines that only finish the previous entry's venue after a column or page break.
const VENUE_START = /^(?:In\s|Proc\.|Proceedings|pages\s|pp\.|vol\.|Vol\.|Journal|arXiv|ArXiv|abs\/)/;

function startsLowercaseOrDigit(text: string): boolean {
  return /^[\p{Ll}(\d]/u.test(text);
}

/**
 * Unlabelled (author-year) entries: one per block, where the layout kept hanging indents
 * apart, split further at lines that start with an author after a line ending a sentence,
 * and merged where a block only continues the previous entry (column and page breaks).
 */
export function unlabelledEntries(blocks: readonly MarkdownBlock[], span: BibliographySpan): RawReference[] {
  const entries: string[][] = [];
  let inFootnote = false;
  for (let b = span.start; b < span.end; b++) {
    const block = blocks[b]!;
    const text = plainText(block.text).trim();
    // Footnotes ("19The Kaggle ...", with their short continuation lines) and headings inside
    // the span are not references.
    const footnote = /^\d{1,2}\p{Lu}\p{Ll}/u.test(text);
    const footnoteTail: boolean = inFootnote && text.length < 100 && !AUTHOR_START.test(text) && !AUTHOR_YEAR_START.test(text);
    inFootnote = footnote || footnoteTail;
    if (block.headingLevel > 0 || inFootnote) continue;
    const previous = entries.at(-1);
    const previousText = previous ? joinLines(previous) : "";
    // An entry cut before its title ("Smith, J. 2017.") or mid-list continues in this block.
    const incomplete = previous !== undefined && (endsIncomplete(previousText) || yearsIn(previousText).length === 0);
    const lines = text.split("\n");
    const startsEntry =
      !incomplete &&
      (AUTHOR_YEAR_START.test(text) ||
        (!startsLowercaseOrDigit(text) && !VENUE_START.test(text) && (isReferenceLike(text) || AUTHOR_START.test(text))));
    let current: string[];
    if (startsEntry || !previous) {
      current = [];
      entries.push(current);
    } else {
      current = previous;
    }
    for (const line of lines) {
      const sofar = joinLines(current);
      const split =
        current.length > 0 &&
        /[.)]$/.test(sofar) &&
        yearsIn(sofar).length > 0 &&
        !ENDS_AT_YEAR.test(sofar) &&
        !VENUE_START.test(line) &&
        (AUTHOR_START.test(line) || AUTHOR_YEAR_START.test(line));
      if (split) {
        current = [];
        entries.push(current);
      }
      current.push(line.trim());
    }
  }
  return entries.map((lines) => ({ label: "", raw: joinLines(lines) })).filter((entry) => entry.raw.length > 0);
}

