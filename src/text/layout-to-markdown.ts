import { buildBlocks, type LayoutBlock } from "./layout-blocks.ts";
import { readingRegions } from "./layout-columns.ts";
import { captionsBeside, figureBlocks, placeFigures, splitFigureText } from "./layout-figures.ts";
import { reorderFloats } from "./layout-floats.ts";
import { findRuledTables } from "./layout-ruled-tables.ts";
import { findTables, renderTable } from "./layout-tables.ts";
import { estimateBodyFontSize, repairFontSizes, roundFontSize } from "./layout-fonts.ts";
import { demoteAuthorNames, headingText } from "./layout-headings.ts";
import { buildLines, buildSegments, dominantFontName, type LayoutLine } from "./layout-lines.ts";
import { dropRunningSegments, findRunningLines, type RunningLines } from "./layout-running-lines.ts";
import type { FormFieldValue, PageTextLayer, TextItem } from "./text-item.ts";

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
  if (block.kind === "table") return renderTable(block.rows);
  if (block.kind === "heading") {
    return `${"#".repeat(block.level)} ${headingText(block)}`;
  }
  const lines = block.lines.map((line, index) => {
    const rendered = renderLine(line, true);
    if (index === 0 && block.kind === "list-item") return `${block.marker} ${rendered.replace(LIST_PREFIX, "")}`;
    return escapeLineStart(rendered);
  });
  return lines.join("\n");
}

/**
 * Filled form values, top to bottom, each marked "[form]" so a reader (or a model) can tell the
 * user's answers from the form's printed text.
 */
function renderFormFields(fields: readonly FormFieldValue[]): string {
  const sorted = [...fields].sort((a, b) => a.y - b.y || a.x - b.x);
  return sorted.map((field) => `- [form] ${field.name.replace(/\s+/g, " ")}: ${field.value.replace(/\s+/g, " ")}`).join("\n");
}

/** The font of the page's body-size text, when the page has any. */
function bodyFontName(items: readonly TextItem[], bodyFontSize: number): string | undefined {
  const body = items.filter((item) => roundFontSize(item.fontSize) === roundFontSize(bodyFontSize));
  return body.length > 0 ? dominantFontName(body) : undefined;
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
  const body = { fontSize: bodyFontSize, fontName: bodyFontName(repaired.items, bodyFontSize) };
  // Drawn rules mark tables first; captions without rules fall back to column alignment.
  const ruled = findRuledTables(segments, page.rules ?? []);
  const aligned = findTables(ruled.rest, repaired.width, ruled.tables);
  const found = { tables: [...ruled.tables, ...aligned.tables], rest: aligned.rest };
  const split = splitFigureText(found.rest, page.figures ?? []);
  const blocks: LayoutBlock[] = [];
  for (const region of readingRegions(split.text, repaired.width)) blocks.push(...buildBlocks(buildLines(region), body));
  const figures = split.figures.map(({ box, segments: inBox }) => ({ box, blocks: figureBlocks(inBox, body) }));
  for (const table of found.tables) {
    const { x0, y0, x1, y1 } = table.line;
    figures.push({ box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, blocks: [{ kind: "table", rows: table.rows, lines: [table.line] }] });
  }
  const placed = placeFigures(demoteAuthorNames(blocks, repaired.height), figures);
  const floats = new Set(figures.flatMap((figure) => figure.blocks));
  // Captions go with their figure or table, also where only their place tells them from text.
  for (const caption of captionsBeside(placed, [...(page.figures ?? []), ...figures.map((figure) => figure.box)])) floats.add(caption);
  const ordered = reorderFloats(placed, { bodyFontSize, pageHeight: repaired.height, floats });
  const rendered = ordered.map(renderBlock);
  if (page.formFields?.length) rendered.push(renderFormFields(page.formFields));
  return rendered.join("\n\n");
}

/** layoutToMarkdown for every page of a document, measuring headings against its body text. */
export function layoutDocumentToMarkdown(pages: readonly PageTextLayer[]): string[] {
  const repaired = pages.map(repairFontSizes);
  const bodyFontSize = estimateBodyFontSize(repaired);
  const runningLines = findRunningLines(repaired);
  return pages.map((page) => layoutToMarkdown(page, { bodyFontSize, runningLines }));
}
