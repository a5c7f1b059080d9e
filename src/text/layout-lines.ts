import { isRightToLeft, rightToLeftOrder } from "./layout-bidi.ts";
import { isBoldItem, roundFontSize } from "./layout-fonts.ts";
import type { TextItem } from "./text-item.ts";

/** A piece of text with one weight, so bold can be rendered inside a line. */
export interface TextRun {
  text: string;
  bold: boolean;
}

/**
 * Items that sit side by side on one baseline without a wide gap: a line of one column, a
 * table cell, a centred title. Columns are found from segments, so a segment never crosses a
 * column gutter.
 */
export interface LayoutSegment {
  items: TextItem[];
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  /** Size of most of the segment's characters. */
  fontSize: number;
}

/** A visual line of one column with the figures the paragraph rules need. */
export interface LayoutLine {
  runs: TextRun[];
  text: string;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  fontSize: number;
  /** Share of the line's letters set in bold, 0..1. */
  boldRatio: number;
  /** The font most of the line's characters are set in. */
  fontName: string;
}

// A gap wider than this many ems between items on one baseline is a column gutter or a table
// cell boundary, not a word space (justified text rarely stretches a space past half an em).
const SEGMENT_GAP_EM = 0.9;
// Gaps wider than this many ems are word spaces when the PDF did not emit a space character.
const WORD_GAP_EM = 0.17;

interface Box {
  y0: number;
  y1: number;
  fontSize: number;
}

function verticalCenter(box: Box): number {
  return (box.y0 + box.y1) / 2;
}

function itemBottom(item: TextItem): number {
  return item.y + (item.fontSize > 0 ? item.fontSize : item.height);
}

/**
 * Groups boxes whose vertical centres are close into rows, top to bottom. The row keeps the
 * centre of its largest box so raised footnote marks and superscripts join their line.
 */
export function groupIntoRows<T extends Box>(boxes: readonly T[]): T[][] {
  const sorted = [...boxes].sort((a, b) => verticalCenter(a) - verticalCenter(b));
  const rows: { anchor: T; members: T[] }[] = [];
  for (const box of sorted) {
    const row = rows.at(-1);
    const tolerance = row ? 0.45 * Math.max(row.anchor.fontSize, box.fontSize) : 0;
    if (row && Math.abs(verticalCenter(box) - verticalCenter(row.anchor)) <= tolerance) {
      row.members.push(box);
      if (box.fontSize > row.anchor.fontSize) row.anchor = box;
    } else {
      rows.push({ anchor: box, members: [box] });
    }
  }
  return rows.map((row) => row.members);
}

function isBlank(item: TextItem): boolean {
  return item.text.trim().length === 0;
}

/** Some PDFs fake bold by drawing the same text twice a fraction of a point apart. */
function dropOverprint(items: readonly TextItem[]): TextItem[] {
  const kept: TextItem[] = [];
  const byText = new Map<string, TextItem[]>();
  for (const item of items) {
    const same = byText.get(item.text) ?? [];
    if (same.some((other) => Math.abs(other.x - item.x) < 1 && Math.abs(other.y - item.y) < 1)) continue;
    same.push(item);
    byText.set(item.text, same);
    kept.push(item);
  }
  return kept;
}

function dominantFontSize(items: readonly TextItem[]): number {
  const chars = new Map<number, number>();
  for (const item of items) {
    const size = roundFontSize(item.fontSize);
    chars.set(size, (chars.get(size) ?? 0) + item.text.trim().length);
  }
  let best = 0;
  let bestChars = -1;
  for (const [size, count] of chars) {
    if (count > bestChars || (count === bestChars && size > best)) {
      best = size;
      bestChars = count;
    }
  }
  return best;
}

/** The font name most of the items' characters are set in. */
export function dominantFontName(items: readonly TextItem[]): string {
  const chars = new Map<string, number>();
  for (const item of items) chars.set(item.fontName, (chars.get(item.fontName) ?? 0) + item.text.trim().length);
  let best = "";
  let bestChars = -1;
  for (const [name, count] of chars) {
    if (count > bestChars) {
      best = name;
      bestChars = count;
    }
  }
  return best;
}

function makeSegment(items: TextItem[]): LayoutSegment {
  const inked = items.filter((item) => !isBlank(item));
  return {
    items,
    x0: Math.min(...inked.map((item) => item.x)),
    x1: Math.max(...inked.map((item) => item.x + item.width)),
    y0: Math.min(...inked.map((item) => item.y)),
    y1: Math.max(...inked.map(itemBottom)),
    fontSize: dominantFontSize(inked),
  };
}

/** Splits a page's items into segments: rows of items cut at gutter-wide gaps. */
export function buildSegments(items: readonly TextItem[]): LayoutSegment[] {
  const usable = dropOverprint(items.filter((item) => item.text.length > 0 && item.fontSize > 0));
  const inkedBoxes = usable
    .filter((item) => !isBlank(item))
    .map((item) => ({ item, y0: item.y, y1: itemBottom(item), fontSize: item.fontSize }));
  const segments: LayoutSegment[] = [];
  for (const row of groupIntoRows(inkedBoxes)) {
    const rowItems = row.map((box) => box.item).sort((a, b) => a.x - b.x);
    let current: TextItem[] = [];
    let right = -Infinity;
    for (const item of rowItems) {
      const em = Math.max(item.fontSize, current.at(-1)?.fontSize ?? 0);
      if (current.length > 0 && item.x - right > SEGMENT_GAP_EM * em) {
        segments.push(makeSegment(current));
        current = [];
        right = -Infinity;
      }
      current.push(item);
      right = Math.max(right, item.x + item.width);
    }
    if (current.length > 0) segments.push(makeSegment(current));
  }
  return segments;
}

/** Joins a row's items into runs, inserting a space where the gap between items is a word gap. */
function itemsToRuns(items: readonly TextItem[], rightToLeft = false): TextRun[] {
  const runs: TextRun[] = [];
  let right = -Infinity;
  let previous: TextItem | undefined;
  for (const item of items) {
    let text = item.text.replace(/\s+/g, " ");
    if (previous) {
      // Reading from the right, items may come from either side (a Latin run reads rightwards).
      const gap = rightToLeft ? Math.max(item.x - (previous.x + previous.width), previous.x - (item.x + item.width)) : item.x - right;
      const em = Math.min(item.fontSize, previous.fontSize);
      const spaced = /\s$/.test(previous.text) || /^\s/.test(text);
      if (!spaced && gap > WORD_GAP_EM * em) text = ` ${text}`;
    }
    const bold = isBoldItem(item);
    const last = runs.at(-1);
    if (last && last.bold === bold) last.text += text;
    else runs.push({ text, bold });
    right = Math.max(right, item.x + item.width);
    previous = item;
  }
  return runs;
}

/** Builds the visual lines of one reading region (a column of a band) from its segments. */
export function buildLines(segments: readonly LayoutSegment[]): LayoutLine[] {
  const lines: LayoutLine[] = [];
  for (const row of groupIntoRows(segments)) {
    const visual = row.flatMap((segment) => segment.items).sort((a, b) => a.x - b.x);
    const rightToLeft = isRightToLeft(visual);
    const items = rightToLeft ? rightToLeftOrder(visual) : visual;
    const runs = itemsToRuns(items, rightToLeft);
    const text = runs.map((run) => run.text).join("").replace(/ {2,}/g, " ").trim();
    if (text.length === 0) continue;
    let letters = 0;
    let boldLetters = 0;
    for (const item of items) {
      const count = item.text.replace(/[^\p{L}]/gu, "").length;
      letters += count;
      if (isBoldItem(item)) boldLetters += count;
    }
    lines.push({
      runs,
      text,
      x0: Math.min(...row.map((segment) => segment.x0)),
      x1: Math.max(...row.map((segment) => segment.x1)),
      y0: Math.min(...row.map((segment) => segment.y0)),
      y1: Math.max(...row.map((segment) => segment.y1)),
      fontSize: dominantFontSize(items),
      boldRatio: letters === 0 ? 0 : boldLetters / letters,
      fontName: dominantFontName(items),
    });
  }
  return lines;
}

/** Share of the words of `text` that are numbers (table cells, figures, statistics), 0..1. */
export function numericShare(text: string): number {
  const words = text.split(/\s+/).filter((word) => word.length > 0);
  if (words.length === 0) return 0;
  return words.filter((word) => /^[([]?[-+−±]?[\d.,:%]+[)\]%*]?$/u.test(word)).length / words.length;
}
