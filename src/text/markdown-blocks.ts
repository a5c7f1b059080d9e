/** A heading or paragraph of a document's markdown, with the page it came from. */
export interface MarkdownBlock {
  /** 0-based index of the page in the document. */
  pageIndex: number;
  /** 1-6 for `#` headings, 0 for paragraphs and list items. */
  headingLevel: number;
  /** The block's text without heading markers; paragraph lines keep their line breaks. */
  text: string;
}

const HEADING = /^(#{1,6})\s+(.*)$/;

/**
 * Splits per-page markdown into blocks: blank lines separate paragraphs and every `#` line is
 * a block of its own. Blocks never span pages, so each knows its page.
 */
export function splitMarkdownBlocks(pages: readonly string[]): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [];
  pages.forEach((page, pageIndex) => {
    let lines: string[] = [];
    const flush = () => {
      if (lines.length > 0) blocks.push({ pageIndex, headingLevel: 0, text: lines.join("\n") });
      lines = [];
    };
    for (const line of page.split("\n")) {
      const heading = HEADING.exec(line);
      if (heading) {
        flush();
        blocks.push({ pageIndex, headingLevel: heading[1]!.length, text: heading[2]!.trim() });
      } else if (line.trim() === "") {
        flush();
      } else {
        lines.push(line);
      }
    }
    flush();
  });
  return blocks;
}
