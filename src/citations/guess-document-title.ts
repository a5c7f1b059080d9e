import { splitMarkdownBlocks } from "../text/markdown-blocks.ts";

// Large-type lines at the top of a first page that are not the title.
const NOT_A_TITLE =
  /^(?:abstract|introduction|research article|original article|article|articles|review|letter|contents|keywords|references|preprint|draft)\b|journal|proceedings|transactions|conference|vol\.|volume|issn|doi|arxiv|copyright|©|@|https?:|www\./i;
// How far down the page the title is looked for, in blocks.
const TOP_BLOCKS = 15;

function tidy(text: string): string {
  return text
    .replace(/\*\*/g, "")
    .replace(/\\([#>])/g, "$1")
    .replace(/\s+/g, " ")
    .replace(/[\s*∗†‡§¶]+$/u, "")
    .replace(/(?<=\p{L})\d(?:,\d)*$/u, "")
    .trim();
}

function plausibleTitle(text: string): boolean {
  const words = text.split(" ").filter((word) => /\p{L}/u.test(word));
  const letters = text.replace(/[^\p{L}]/gu, "").length;
  return words.length >= 2 && words.length <= 40 && letters >= 0.6 * text.replace(/\s/g, "").length && !NOT_A_TITLE.test(text);
}

/**
 * Guesses a document's title from its first page's markdown: the largest heading (fewest
 * `#`) near the top that reads like a title rather than a journal banner or a section name;
 * failing that, the first plausible line. Undefined when nothing fits.
 */
export function guessDocumentTitle(firstPageMarkdown: string): string | undefined {
  const blocks = splitMarkdownBlocks([firstPageMarkdown]).slice(0, TOP_BLOCKS);
  const headings = blocks.filter((block) => block.headingLevel > 0);
  for (let level = 1; level <= 6; level++) {
    const title = headings
      .filter((block) => block.headingLevel === level)
      .map((block) => tidy(block.text))
      .find(plausibleTitle);
    if (title) return title;
  }
  for (const block of blocks) {
    const line = tidy(block.text.split("\n")[0] ?? "");
    if (plausibleTitle(line) && line.split(" ").length >= 3) return line;
  }
  return undefined;
}
