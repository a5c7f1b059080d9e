import { buildBlocks, type LayoutBlock } from "./layout-blocks.ts";
import { readingRegions } from "./layout-columns.ts";
import { reorderFloats } from "./layout-floats.ts";
import { estimateBodyFontSize, repairFontSizes } from "./layout-fonts.ts";
import { buildLines, buildSegments, type LayoutLine } from "./layout-lines.ts";
import { dropRunningSegments, findRunningLines, type RunningLines } from "./layout-running-lines.ts";
import type { PageTextLayer } from "./text-item.ts";

/** Options of layoutToMarkdown. */
export interface LayoutOptions {
  /**
   * Body text size of the whole document, so a page of large headings is not measured
   * against itself. Defaults to the page's own most common size.
   */
  bodyFontSize?: number;
  /** Running headers and footers of the whole document (findRunningLines), left out of the page. */
  runningLines?: RunningLines;
}

const LIST_PREFIX = /^(?:[•◦▪▫●○■□‣⁃∙·*–-]|\(?\d{1,3}[.)])\s+/u;

function renderLine(line: LayoutLine, bold: boolean): string {
  if (!bold) return line.text;
  let text = "";
  for (const run of line.runs) {
    const letters = run.text.replace(/[^\p{L}]/gu, "").length;
    if (!run.bold || letters < 2) {
      text += run.text;
      continue;
    }
    // Markers hug the words: "** bold **" is not emphasis in markdown.
    const lead = /^\s*/.exec(run.text)![0];
    const trail = /\s*$/.exec(run.text)![0];
    text += `${lead}**${run.text.trim()}**${trail}`;
  }
  return text.replace(/ {2,}/g, " ").replace(/\*\*\*\*/g, "").trim();
}

/** A body line that starts like markdown syntax would change meaning; escape it. */
function escapeLineStart(text: string): string {
  return text.replace(/^(#{1,6}\s|>\s?)/, "\\$1");
}

function renderBlock(block: LayoutBlock): string {
  if (block.kind === "heading") {
    const text = block.lines.map((line) => line.text).join(" ").replace(/\s+/g, " ");
    return `${"#".repeat(block.level)} ${text}`;
  }
  const lines = block.lines.map((line, index) => {
    const rendered = renderLine(line, true);
    if (index === 0 && block.kind === "list-item") return `${block.marker} ${rendered.replace(LIST_PREFIX, "")}`;
    return escapeLineStart(rendered);
  });
  return lines.join("\n");
}

/**
 * Turns one page's text layer into markdown: reading order (columns read one after another),
 * paragraphs with their visual lines kept as soft line breaks (so cleaning can de-hyphenate),
 * `#`/`##`/`###` headings from font size relative to body text, bold, and list items.
 */
export function layoutToMarkdown(page: PageTextLayer, options: LayoutOptions = {}): string {
  const repaired = repairFontSizes(page);
  const bodyFontSize = options.bodyFontSize ?? estimateBodyFontSize([repaired]);
  const built = buildSegments(repaired.items);
  const segments = options.runningLines ? dropRunningSegments(built, repaired.height, options.runningLines) : built;
  const blocks: LayoutBlock[] = [];
  for (const region of readingRegions(segments, repaired.width)) blocks.push(...buildBlocks(buildLines(region), bodyFontSize));
  return reorderFloats(blocks, { bodyFontSize, pageHeight: repaired.height }).map(renderBlock).join("\n\n");
}

/** layoutToMarkdown for every page of a document, measuring headings against its body text. */
export function layoutDocumentToMarkdown(pages: readonly PageTextLayer[]): string[] {
  const repaired = pages.map(repairFontSizes);
  const bodyFontSize = estimateBodyFontSize(repaired);
  const runningLines = findRunningLines(repaired);
  return pages.map((page) => layoutToMarkdown(page, { bodyFontSize, runningLines }));
}
