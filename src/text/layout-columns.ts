import { isRightToLeft } from "./layout-bidi.ts";
import { numericShare, type LayoutSegment } from "./layout-lines.ts";

// At most this share of the smaller side's characters may cross a gutter between the columns'
// top and bottom: a wide figure caption or equation may cross one.
const MAX_CROSSING_SHARE = 0.2;
// Each side of a gutter needs real text, not a few table cells or figure labels.
const MIN_SIDE_CHARS = 200;
// A segment crossing a gutter by less than this many ems on one side (a centred page number, an
// equation label) is placed in a column instead of splitting the columns into bands.
const SPAN_EM = 3;
// ...but a centred title line in a large font crosses by more than that and still spans.
const SPAN_MAX = 24;
// A line wider than this share of the page spans columns; it cannot be one column's line.
const WIDE_SHARE = 0.6;

function charCount(segment: LayoutSegment): number {
  let count = 0;
  for (const item of segment.items) count += item.text.replace(/\s+/g, "").length;
  return count;
}

/**
 * The x positions of the vertical gutters between text columns of a page, left to right; empty
 * for a single-column page. A gutter is an x where little text crosses and plenty lies on both
 * sides, which also finds the two gutters of a three-column magazine page.
 */
export function findColumnGutters(segments: readonly LayoutSegment[], pageWidth: number): number[] {
  const weighted = columnEvidence(segments, pageWidth).map((segment) => ({
    segment,
    chars: charCount(segment),
    middle: (segment.y0 + segment.y1) / 2,
  }));
  const from = Math.floor(pageWidth * 0.15);
  const to = Math.ceil(pageWidth * 0.85);
  const runs: { x: number; crossing: number }[][] = [];
  let run: { x: number; crossing: number }[] = [];
  for (let x = from; x <= to; x++) {
    let left = 0;
    let right = 0;
    const sides = { leftTop: Infinity, leftBottom: -Infinity, rightTop: Infinity, rightBottom: -Infinity };
    for (const { segment, chars } of weighted) {
      if (segment.x1 <= x) {
        left += chars;
        sides.leftTop = Math.min(sides.leftTop, segment.y0);
        sides.leftBottom = Math.max(sides.leftBottom, segment.y1);
      } else if (segment.x0 >= x) {
        right += chars;
        sides.rightTop = Math.min(sides.rightTop, segment.y0);
        sides.rightBottom = Math.max(sides.rightBottom, segment.y1);
      }
    }
    // Only what crosses between the columns' common top and bottom counts against a gutter:
    // a title above the columns or a footer below them does not.
    const top = Math.max(sides.leftTop, sides.rightTop);
    const bottom = Math.min(sides.leftBottom, sides.rightBottom);
    let crossing = 0;
    for (const { segment, chars, middle } of weighted) {
      if (segment.x1 > x && segment.x0 < x && middle > top && middle < bottom) crossing += chars;
    }
    const side = Math.min(left, right);
    if (side >= MIN_SIDE_CHARS && crossing <= MAX_CROSSING_SHARE * side) {
      run.push({ x, crossing });
    } else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  return runs.map((candidates) => {
    const least = Math.min(...candidates.map((candidate) => candidate.crossing));
    const best = candidates.filter((candidate) => candidate.crossing === least);
    // The middle of the emptiest stretch keeps the same distance to both columns.
    return best[Math.floor(best.length / 2)]!.x;
  });
}

/**
 * The segments that may decide where columns are: running text in body size. Small print (table
 * cells, chart labels, footnotes), titles, rows of numbers and full-width lines (captions and
 * titles over the columns, which become bands of their own) would only add false gutters or hide
 * true ones.
 */
function columnEvidence(segments: readonly LayoutSegment[], pageWidth: number): LayoutSegment[] {
  const body = pageBodyFontSize(segments);
  return segments.filter((segment) => {
    if (segment.fontSize < 0.88 * body || segment.fontSize > 1.2 * body) return false;
    if (segment.x1 - segment.x0 > WIDE_SHARE * pageWidth) return false;
    return numericShare(segment.items.map((item) => item.text).join(" ")) < 0.5;
  });
}

function spansGutter(segment: LayoutSegment, gutters: readonly number[], bodyFontSize: number): boolean {
  // Title lines are larger than body text and span however little they cross.
  const reach = segment.fontSize >= 1.3 * bodyFontSize ? 1 : Math.min(SPAN_EM * segment.fontSize, SPAN_MAX);
  return gutters.some((gutter) => gutter - segment.x0 >= reach && segment.x1 - gutter >= reach);
}

/** The size most of the page's characters are set in. */
function pageBodyFontSize(segments: readonly LayoutSegment[]): number {
  const chars = new Map<number, number>();
  for (const segment of segments) chars.set(segment.fontSize, (chars.get(segment.fontSize) ?? 0) + charCount(segment));
  let best = 0;
  let bestChars = -1;
  for (const [size, count] of chars) {
    if (count > bestChars) {
      best = size;
      bestChars = count;
    }
  }
  return best;
}

function columnOf(segment: LayoutSegment, gutters: readonly number[]): number {
  const center = (segment.x0 + segment.x1) / 2;
  return gutters.filter((gutter) => gutter < center).length;
}

/**
 * Splits a page's segments into regions in reading order: horizontal bands top to bottom, where
 * a band is either full-width content or a run of columns, read left column first, or right
 * column first on a page written mostly right to left (Hebrew, Arabic).
 */
export function readingRegions(segments: readonly LayoutSegment[], pageWidth: number): LayoutSegment[][] {
  const gutters = findColumnGutters(segments, pageWidth);
  if (gutters.length === 0) return segments.length > 0 ? [[...segments]] : [];
  const bodyFontSize = pageBodyFontSize(segments);
  const sorted = [...segments].sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0);
  const bands: { spanning: boolean; segments: LayoutSegment[] }[] = [];
  for (const segment of sorted) {
    const spanning = spansGutter(segment, gutters, bodyFontSize);
    const band = bands.at(-1);
    if (band && band.spanning === spanning) band.segments.push(segment);
    else bands.push({ spanning, segments: [segment] });
  }
  const columns = Array.from({ length: gutters.length + 1 }, (_v, i) => i);
  if (isRightToLeft(segments.flatMap((segment) => segment.items))) columns.reverse();
  const regions: LayoutSegment[][] = [];
  for (const band of bands) {
    if (band.spanning) {
      regions.push(band.segments);
      continue;
    }
    for (const column of columns) {
      const inColumn = band.segments.filter((segment) => columnOf(segment, gutters) === column);
      if (inColumn.length > 0) regions.push(inColumn);
    }
  }
  return regions;
}
