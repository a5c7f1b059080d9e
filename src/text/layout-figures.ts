import { buildBlocks, type BodyStyle, type LayoutBlock } from "./layout-blocks.ts";
import { buildLines, type LayoutSegment } from "./layout-lines.ts";
import type { PdfBox } from "./text-item.ts";

// Text this close outside a figure's box still labels it (axis titles, legends).
const MARGIN = 2;

function inside(segment: LayoutSegment, box: PdfBox): boolean {
  const cx = (segment.x0 + segment.x1) / 2;
  const cy = (segment.y0 + segment.y1) / 2;
  return cx >= box.x - MARGIN && cx <= box.x + box.width + MARGIN && cy >= box.y - MARGIN && cy <= box.y + box.height + MARGIN;
}

function chars(segments: readonly LayoutSegment[]): number {
  let count = 0;
  for (const segment of segments) for (const item of segment.items) count += item.text.trim().length;
  return count;
}

/** The page's segments split into running text and the text inside each figure. */
export function splitFigureText(
  segments: readonly LayoutSegment[],
  figures: readonly PdfBox[],
): { text: LayoutSegment[]; figures: { box: PdfBox; segments: LayoutSegment[] }[] } {
  const total = chars(segments);
  const taken = new Set<LayoutSegment>();
  const found: { box: PdfBox; segments: LayoutSegment[] }[] = [];
  for (const box of figures) {
    const within = segments.filter((segment) => !taken.has(segment) && inside(segment, box));
    // A "figure" holding most of the page's text is a tinted panel behind it, not a figure.
    if (within.length === 0 || chars(within) > 0.5 * total) continue;
    for (const segment of within) taken.add(segment);
    found.push({ box, segments: within });
  }
  return { text: segments.filter((segment) => !taken.has(segment)), figures: found };
}

/**
 * Blocks of one figure's text, none of them a heading (box labels are set large and bold).
 */
export function figureBlocks(segments: readonly LayoutSegment[], body: BodyStyle): LayoutBlock[] {
  return buildBlocks(buildLines(segments), body).map((block) => (block.kind === "heading" ? { kind: "paragraph", lines: block.lines } : block));
}

/**
 * Puts each figure's blocks before the first running-text block that starts below the figure's
 * top and overlaps it horizontally (else at the end); the float rules then move them out of any
 * paragraph they interrupt.
 */
export function placeFigures(blocks: readonly LayoutBlock[], figures: readonly { box: PdfBox; blocks: LayoutBlock[] }[]): LayoutBlock[] {
  const result = [...blocks];
  for (const figure of [...figures].sort((a, b) => b.box.y - a.box.y)) {
    const at = result.findIndex((block) => {
      const line = block.lines[0]!;
      return line.y0 > figure.box.y && line.x0 < figure.box.x + figure.box.width && line.x1 > figure.box.x;
    });
    result.splice(at < 0 ? result.length : at, 0, ...figure.blocks);
  }
  return result;
}

// "Figure 1 Flow chart…", "Table 2 Summary…": a label some journals set in body size without
// punctuation, so only its place beside a figure or table tells it from a sentence.
const CAPTION_LABEL = /^(?:\*\*)?(?:Figure|Fig\.|Table)\s*\d{1,3}\b/u;
// How far (in the caption's line heights) a caption may sit from its figure or table.
const CAPTION_REACH = 2.5;

/** The blocks that start with a float's label and sit right above, below or beside one of `boxes`. */
export function captionsBeside(blocks: readonly LayoutBlock[], boxes: readonly PdfBox[]): LayoutBlock[] {
  return blocks.filter((block) => {
    const first = block.lines[0];
    if (!first || block.kind === "heading" || !CAPTION_LABEL.test(first.text)) return false;
    const top = first.y0;
    const bottom = block.lines.at(-1)!.y1;
    const x0 = Math.min(...block.lines.map((line) => line.x0));
    const x1 = Math.max(...block.lines.map((line) => line.x1));
    // Above, below, or beside it (a side caption): the gap between the two boxes is small.
    return boxes.some((box) => {
      const gapY = Math.max(box.y - bottom, top - (box.y + box.height));
      const gapX = Math.max(box.x - x1, x0 - (box.x + box.width));
      return Math.max(gapX, gapY) < CAPTION_REACH * first.fontSize;
    });
  });
}
