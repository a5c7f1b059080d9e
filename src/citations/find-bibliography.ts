import type { MarkdownBlock } from "../text/markdown-blocks.ts";
import { endsIncomplete, isBibliographyHeading, isReferenceLike, lineLabel, plainText } from "./reference-signals.ts";

/** Where the bibliography sits in a document's blocks. */
export interface BibliographySpan {
  /** Index of the heading block, when there is one. */
  headingIndex: number | undefined;
  /** First block after the heading. */
  start: number;
  /** One past the last block that belongs to the bibliography. */
  end: number;
  /** Number of reference-looking blocks inside, used to choose between candidates. */
  score: number;
}

// Non-reference blocks in a row that end a bibliography (an appendix, author bios).
const MAX_MISSES = 3;
const APPENDIX_HEADING = /^(?:appendix|appendices|supplementary|supplemental|[A-Z](?:\.\d+)*\s+\p{Lu})/u;

function isHeadingCandidate(block: MarkdownBlock): boolean {
  if (block.headingLevel === 0 && (block.text.includes("\n") || block.text.length > 40)) return false;
  return isBibliographyHeading(block.text);
}

/** A short fragment or a lower-case start continues the entry before it (a column or page break). */
export function isContinuation(block: MarkdownBlock): boolean {
  const text = plainText(block.text).trim();
  return block.headingLevel === 0 && (text.length < 60 || /^[\p{Ll}(\d]/u.test(text));
}

/** Follows the blocks after a heading for as long as they read like references. */
function spanAfter(blocks: readonly MarkdownBlock[], headingIndex: number): BibliographySpan {
  let score = 0;
  let misses = 0;
  let end = headingIndex + 1;
  let incomplete = false;
  for (let i = headingIndex + 1; i < blocks.length; i++) {
    const block = blocks[i]!;
    if (block.headingLevel > 0 && APPENDIX_HEADING.test(plainText(block.text))) break;
    if (isReferenceLike(block.text) || lineLabel(block.text) !== undefined) {
      score++;
      misses = 0;
      end = i + 1;
    } else if ((isContinuation(block) || (incomplete && block.headingLevel === 0)) && misses === 0) {
      end = i + 1;
    } else {
      // A heading inside a bibliography is usually a running header the cleaner missed; two
      // prose blocks or a heading plus prose end it.
      misses += block.headingLevel > 0 ? 1.5 : 1;
      if (misses >= MAX_MISSES) break;
    }
    // An entry cut by a page or column break ("Smith, J. 2017.") continues in the next block.
    incomplete = endsIncomplete(plainText(block.text));
  }
  return { headingIndex, start: headingIndex + 1, end, score };
}

/**
 * Finds the bibliography: of all headings naming one, the one followed by the most
 * reference-looking blocks (a table-of-contents line or an appendix table cell reading
 * "Bibliography" is followed by none), the later one on a tie. Undefined without such heading.
 */
export function findBibliography(blocks: readonly MarkdownBlock[]): BibliographySpan | undefined {
  let best: BibliographySpan | undefined;
  blocks.forEach((block, index) => {
    if (!isHeadingCandidate(block)) return;
    const span = spanAfter(blocks, index);
    if (span.score > 0 && (!best || span.score >= best.score)) best = span;
  });
  return best;
}
