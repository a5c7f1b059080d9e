import type { LayoutBlock } from "./layout-blocks.ts";
import { numericShare } from "./layout-lines.ts";

// Captions name their float and then punctuate ("Figure 2:", "Table 1.", "Fig. 3 –"); body text
// that merely mentions one ("Table 1 presents…") does not.
const CAPTION = /^(?:\*\*)?(?:Figure|Fig\.|Table|Algorithm|Listing|Chart)\s*[0-9IVXA-Z]{1,4}(?:\.\d+)?\s*(?:\*\*)?\s*[:.–—|]/u;
const FOOTNOTE_START = /^(?:\d{1,2}|[*∗†‡§¶]+|[a-z])\s*\S|^https?:\/\//u;
// How far ahead a paragraph's continuation is looked for, in blocks.
const LOOKAHEAD = 40;

/** Facts about the page the float rules need. */
export interface FloatContext {
  bodyFontSize: number;
  pageHeight: number;
  /** Blocks already known to be floats (the text inside figures). */
  floats?: ReadonlySet<LayoutBlock>;
}

function blockFontSize(block: LayoutBlock): number {
  return Math.max(...block.lines.map((line) => line.fontSize));
}

function isRunningText(block: LayoutBlock, context: FloatContext): boolean {
  if (context.floats?.has(block)) return false;
  return (
    block.kind !== "heading" && blockFontSize(block) >= 0.93 * context.bodyFontSize && !isCaption(block, context) && !isTabular(block)
  );
}

// Some journals set the label apart by weight or size instead ("Figure 3 Forest plot of…").
const CAPTION_LABEL = /^(?:\*\*)?(?:Figure|Fig\.|Table)\s*\d{1,3}\b/u;

function isCaption(block: LayoutBlock, context?: FloatContext): boolean {
  const first = block.lines[0];
  if (!first) return false;
  if (CAPTION.test(first.text)) return true;
  if (!CAPTION_LABEL.test(first.text)) return false;
  return (context !== undefined && first.fontSize < 0.97 * context.bodyFontSize) || first.runs[0]?.bold === true;
}

/** Rows of a table set in body size: most of their words are numbers. */
function isTabular(block: LayoutBlock): boolean {
  const text = block.lines.map((line) => line.text).join(" ");
  return text.split(/\s+/).length >= 4 && numericShare(text) >= 0.45;
}

/**
 * A block that floats beside the running text rather than belonging to it: a caption, a
 * footnote or any small-print block (chart labels, table cells, notes).
 */
export function isFloatBlock(block: LayoutBlock, context: FloatContext): boolean {
  if (context.floats?.has(block)) return true;
  if (isCaption(block, context) || isTabular(block)) return true;
  const size = blockFontSize(block);
  if (size < 0.88 * context.bodyFontSize) return true;
  const first = block.lines[0];
  const low = (first?.y0 ?? 0) > context.pageHeight * 0.6;
  return size < 0.95 * context.bodyFontSize && low && FOOTNOTE_START.test(first?.text ?? "");
}

/** True when a paragraph stops mid-sentence: no closing punctuation on its last line. */
function isUnfinished(block: LayoutBlock): boolean {
  if (block.kind === "heading") return false;
  const last = block.lines.at(-1)?.text.replace(/\*\*/g, "").trim() ?? "";
  return last.length > 0 && !/[.!?:;]["'”’)\]]*$/u.test(last);
}

function startsLowercase(block: LayoutBlock): boolean {
  return /^\p{Ll}/u.test(block.lines[0]?.text.replace(/^\*\*/, "") ?? "");
}

function merge(a: LayoutBlock, b: LayoutBlock): LayoutBlock {
  return a.kind === "heading" ? a : { ...a, lines: [...a.lines, ...b.lines] };
}

/**
 * Moves floats (captions, footnotes, figure text) out of the running text: where a paragraph
 * stops mid-sentence and picks up again after them, the two halves are joined and the floats
 * follow the joined paragraph. On the page's edges, floats above a paragraph that continues the
 * previous page go after it, and floats below a paragraph that continues on the next page go
 * before it, so the sentence across the page break stays whole.
 */
export function reorderFloats(blocks: readonly LayoutBlock[], given: FloatContext): LayoutBlock[] {
  const order = [...blocks];
  const context: FloatContext = { ...given, floats: captionTails(order, given) };
  // Page start: the first paragraph after floats may continue the previous page's sentence; it
  // goes first (a lower-case one even past other blocks, a heading excepted).
  const firstText = order.findIndex((block) => isRunningText(block, context));
  if (firstText > 0) {
    const before = order.slice(0, firstText);
    const first = order[firstText]!;
    const continues = startsLowercase(first) && first.lines.length >= 2 && before.every((block) => block.kind !== "heading");
    if (continues || before.every((block) => isFloatBlock(block, context))) order.unshift(...order.splice(firstText, 1));
  }
  const result: LayoutBlock[] = [];
  for (let i = 0; i < order.length; i++) {
    let block = order[i]!;
    const between: LayoutBlock[] = [];
    while (isRunningText(block, context) && isUnfinished(block)) {
      const j = continuationOf(order, i, context);
      if (j === undefined) break;
      between.push(...order.slice(i + 1, j));
      block = merge(block, order[j]!);
      order.splice(i + 1, j - i);
    }
    result.push(block, ...between);
  }
  // Page end: floats after an unfinished last paragraph go before it.
  const lastText = result.findLastIndex((block) => isRunningText(block, context));
  if (lastText >= 0 && isUnfinished(result[lastText]!)) {
    const after = result.slice(lastText + 1);
    if (after.length > 0 && after.every((block) => isFloatBlock(block, context))) {
      result.splice(lastText + 1);
      result.splice(lastText, 0, ...after);
    }
  }
  return result;
}

/**
 * The known floats plus the lines that finish a caption: a centred caption's last line, or its
 * second sentence, often comes out as a block of its own right under it.
 */
function captionTails(blocks: readonly LayoutBlock[], context: FloatContext): Set<LayoutBlock> {
  const floats = new Set(context.floats ?? []);
  for (let i = 0; i + 1 < blocks.length; i++) {
    const [block, next] = [blocks[i]!, blocks[i + 1]!];
    if (!(isCaption(block, context) || (floats.has(block) && CAPTION_LABEL.test(block.lines[0]?.text ?? "")))) continue;
    const last = block.lines.at(-1)!;
    const first = next.lines[0]!;
    const gap = first.y0 - last.y1;
    if (next.kind !== "heading" && next.lines.length <= 3 && gap > -2 && gap < 0.8 * last.fontSize && Math.abs(first.fontSize - last.fontSize) < 0.6) {
      floats.add(block);
      floats.add(next);
      i++;
    }
  }
  return floats;
}

/** Index of the block that continues the unfinished paragraph at `i`, if one follows its floats. */
function continuationOf(order: readonly LayoutBlock[], i: number, context: FloatContext): number | undefined {
  const size = blockFontSize(order[i]!);
  for (let j = i + 1; j < Math.min(order.length, i + 1 + LOOKAHEAD); j++) {
    const candidate = order[j]!;
    const between = order.slice(i + 1, j);
    if (isRunningText(candidate, context) && Math.abs(blockFontSize(candidate) - size) < 0.5) {
      // Lower case says "continuation" whatever sits between (a heading excepted); otherwise
      // only floats may separate the halves.
      if (startsLowercase(candidate) && between.every((block) => block.kind !== "heading")) return j;
      if (between.length > 0 && between.every((block) => isFloatBlock(block, context))) return j;
      return undefined;
    }
    if (candidate.kind === "heading" && !isFloatBlock(candidate, context)) return undefined;
  }
  return undefined;
}
