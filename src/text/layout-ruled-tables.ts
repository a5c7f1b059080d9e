import { buildLines, buildSegments, groupIntoRows, type LayoutSegment } from "./layout-lines.ts";
import { cellsOf, isTableRow, toGrid, type LayoutTable } from "./layout-tables.ts";
import type { DrawnRule, TextItem } from "./text-item.ts";

// Rules this close (points) on the same line are one rule: a dashed rule, or a border drawn
// cell by cell.
const JOIN_GAP = 3;
// Rules at positions this close are one grid line (a double rule, a thick border's two edges).
const SAME_LINE = 2;
// A border may stop this short of the border it meets.
const MEET = 3;
// Shorter rules are underlines of a word or marks, not table borders.
const MIN_RULE = 8;
// Horizontal rules of one borderless table start and end within this many points of each other.
const SAME_EXTENT = 4;
// A cell between horizontal rules this long is a line of prose, not a table cell.
const PROSE_CHARS = 60;

// More cells than this in one grid is a plot's grid lines.
const MAX_CELLS = 2000;
// Share of the grid's cell borders that must be drawn.
const MIN_DRAWN_EDGES = 0.75;
// A table between horizontal rules only holds at least this many rows (head and two more).
const MIN_BORDERLESS_ROWS = 3;
// Cells this close (points) line up; at least this share of cells must, between horizontal rules.
const ALIGN = 3;
const MIN_ALIGNED = 0.7;
// Text this far (points) outside a grid's outer border still belongs to its edge cells.
const EDGE_SLACK = 3;
const FIGURE_CAPTION = /^(?:Figure|Fig\.|Table)\s*\d+[.:]/u;

interface Cell {
  /** The cell of the merged span this one belongs to. */
  root: [number, number];
  items: TextItem[];
}

function joinRules(rules: readonly DrawnRule[]): DrawnRule[] {
  const joined: DrawnRule[] = [];
  const sorted = [...rules].sort((a, b) => Number(a.horizontal) - Number(b.horizontal) || a.position - b.position || a.start - b.start);
  for (const rule of sorted) {
    const last = joined.findLast((other) => other.horizontal === rule.horizontal && Math.abs(other.position - rule.position) <= 1);
    if (last && rule.start <= last.end + JOIN_GAP) last.end = Math.max(last.end, rule.end);
    else joined.push({ ...rule });
  }
  return joined.filter((rule) => rule.end - rule.start >= MIN_RULE);
}

function crosses(h: DrawnRule, v: DrawnRule): boolean {
  return v.position >= h.start - MEET && v.position <= h.end + MEET && h.position >= v.start - MEET && h.position <= v.end + MEET;
}

/** Positions within SAME_LINE of each other merged into one, ascending. */
function gridLines(positions: readonly number[]): number[] {
  const lines: number[] = [];
  for (const position of [...positions].sort((a, b) => a - b)) {
    if (lines.length > 0 && position - lines.at(-1)! <= SAME_LINE) continue;
    lines.push(position);
  }
  return lines;
}

/** Groups of rules that touch each other: each a candidate grid. */
function connectedRules(rules: readonly DrawnRule[]): DrawnRule[][] {
  const parent = rules.map((_rule, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let i = 0; i < rules.length; i++) {
    for (let j = i + 1; j < rules.length; j++) {
      const [a, b] = [rules[i]!, rules[j]!];
      if (a.horizontal !== b.horizontal && crosses(a.horizontal ? a : b, a.horizontal ? b : a)) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, DrawnRule[]>();
  rules.forEach((rule, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), rule]));
  return [...groups.values()];
}

function center(segment: LayoutSegment): [number, number] {
  return [(segment.x0 + segment.x1) / 2, (segment.y0 + segment.y1) / 2];
}

function itemCenter(item: TextItem): [number, number] {
  return [item.x + item.width / 2, item.y + item.fontSize / 2];
}

function cellText(items: readonly TextItem[]): string {
  return buildLines(buildSegments(items))
    .map((line) => line.text)
    .join(" ")
    .trim();
}

/** Index of the band between consecutive `lines` holding `value` (edge bands take a little slack), or -1. */
function bandOf(lines: readonly number[], value: number): number {
  if (value < lines[0]! - EDGE_SLACK || value > lines.at(-1)! + EDGE_SLACK) return -1;
  for (let i = 0; i + 1 < lines.length; i++) if (value < lines[i + 1]!) return i;
  return lines.length - 2;
}

/**
 * Whether filled-in rows look like a table: two or more rows with two or more cells of words or
 * numbers (a framed paragraph, a chart's grid lines, an equation's fraction bars are no tables),
 * and no figure caption inside (a figure's frame).
 */
function tableLike(rows: readonly string[][]): boolean {
  const filled = rows.filter((row) => row.filter((text) => /[\p{L}\p{N}]/u.test(text)).length >= 2);
  if (filled.length < 2 || filled.length < 0.5 * rows.filter((row) => row.some((text) => text.length > 0)).length) return false;
  return !rows.some((row) => row.some((text) => FIGURE_CAPTION.test(text)));
}

/**
 * Rows of a table ruled between its columns but not between its rows: each text line that has
 * text in the first column starts a row, a line without continues the row above (a cell's
 * wrapped text).
 */
function linesAsRows(items: readonly TextItem[], xs: readonly number[]): string[][] {
  const boxes = items.map((item) => ({ item, y0: item.y, y1: item.y + item.fontSize, fontSize: item.fontSize }));
  const rows: TextItem[][][] = [];
  for (const line of groupIntoRows(boxes)) {
    const columns: TextItem[][] = Array.from({ length: xs.length - 1 }, () => []);
    for (const { item } of line) {
      const column = bandOf(xs, itemCenter(item)[0]);
      if (column >= 0) columns[column]!.push(item);
    }
    const previous = rows.at(-1);
    if (previous && columns[0]!.length === 0) columns.forEach((column, i) => previous[i]!.push(...column));
    else rows.push(columns);
  }
  return rows.map((row) => row.map(cellText));
}

/**
 * A table from a grid of crossing rules: rows and columns between the grid lines, spans where
 * an inner border is missing (a merged cell's text goes to its first cell, the rest stay empty);
 * in a frame with column rules only, rows from the text lines.
 */
function gridTable(rules: readonly DrawnRule[], segments: readonly LayoutSegment[]): { rows: string[][]; inside: LayoutSegment[] } | undefined {
  const ys = gridLines(rules.filter((rule) => rule.horizontal).map((rule) => rule.position));
  const xs = gridLines(rules.filter((rule) => !rule.horizontal).map((rule) => rule.position));
  // A plot's dense grid lines would cost a lot to check and are no table.
  if (ys.length < 2 || xs.length < 3 || (ys.length - 1) * (xs.length - 1) > MAX_CELLS) return undefined;
  const covered = (horizontal: boolean, position: number, at: number) =>
    rules.some((rule) => rule.horizontal === horizontal && Math.abs(rule.position - position) <= SAME_LINE && at >= rule.start - MEET && at <= rule.end + MEET);
  // A table's top and bottom borders run across all its columns; boxes of a diagram set side by
  // side leave gaps in them.
  for (let c = 0; c + 1 < xs.length; c++) {
    const middleX = (xs[c]! + xs[c + 1]!) / 2;
    if (!covered(true, ys[0]!, middleX) || !covered(true, ys.at(-1)!, middleX)) return undefined;
  }
  const cells: Cell[][] = [];
  for (let r = 0; r + 1 < ys.length; r++) {
    const row: Cell[] = [];
    const middleY = (ys[r]! + ys[r + 1]!) / 2;
    for (let c = 0; c + 1 < xs.length; c++) {
      const middleX = (xs[c]! + xs[c + 1]!) / 2;
      let root: [number, number] = [r, c];
      if (c > 0 && !covered(false, xs[c]!, middleY)) root = row[c - 1]!.root;
      else if (r > 0 && !covered(true, ys[r]!, middleX)) root = cells[r - 1]![c]!.root;
      row.push({ root, items: [] });
    }
    cells.push(row);
  }
  const [left, right, top, bottom] = [xs[0]!, xs.at(-1)!, ys[0]!, ys.at(-1)!];
  const inside = segments.filter((segment) => {
    const [x, y] = center(segment);
    return x > left - EDGE_SLACK && x < right + EDGE_SLACK && y > top - EDGE_SLACK && y < bottom + EDGE_SLACK;
  });
  for (const segment of inside) {
    for (const item of segment.items) {
      const [x, y] = itemCenter(item);
      const [r, c] = [bandOf(ys, y), bandOf(xs, x)];
      if (r < 0 || c < 0) continue;
      const [rootR, rootC] = cells[r]![c]!.root;
      cells[rootR]![rootC]!.items.push(item);
    }
  }
  // Boxes and arrows of a diagram share grid lines too, but leave most cell borders undrawn.
  let edges = 0;
  let drawn = 0;
  for (let r = 0; r + 1 < ys.length; r++) {
    for (let c = 0; c + 1 < xs.length; c++) {
      const [middleX, middleY] = [(xs[c]! + xs[c + 1]!) / 2, (ys[r]! + ys[r + 1]!) / 2];
      const sides = [covered(true, ys[r]!, middleX), covered(true, ys[r + 1]!, middleX), covered(false, xs[c]!, middleY), covered(false, xs[c + 1]!, middleY)];
      edges += sides.length;
      drawn += sides.filter(Boolean).length;
    }
  }
  if (drawn < MIN_DRAWN_EDGES * edges) return undefined;
  const rows = ys.length === 2 ? linesAsRows(cells[0]!.flatMap((cell) => cell.items), xs) : cells.map((row) => row.map((cell) => cellText(cell.items)));
  return tableLike(rows) ? { rows: rows.filter((row) => row.some((text) => text.length > 0)), inside } : undefined;
}

/**
 * Share of the cells of multi-cell rows that line up (left edge, right edge or centre) with a
 * cell of another row. Table columns line up; the wide spaces of justified prose do not.
 */
function alignedShare(rows: readonly LayoutSegment[][]): number {
  const cells = rows.map(cellsOf);
  let total = 0;
  let aligned = 0;
  cells.forEach((row, r) => {
    if (row.length < 2) return;
    for (const cell of row) {
      total++;
      const lines = cells.some(
        (other, o) =>
          o !== r &&
          other.some((candidate) => Math.abs(candidate.x0 - cell.x0) <= ALIGN || Math.abs(candidate.x1 - cell.x1) <= ALIGN || Math.abs(candidate.x0 + candidate.x1 - cell.x0 - cell.x1) <= 2 * ALIGN),
      );
      if (lines) aligned++;
    }
  });
  return total === 0 ? 0 : aligned / total;
}

/** The first `count` rows joined column by column into one head row, when the body follows. */
function joinHead(rows: string[][], count: number): string[][] {
  if (count < 2 || count >= rows.length) return rows;
  const head = rows[0]!.map((_cell, column) =>
    rows
      .slice(0, count)
      .map((row) => row[column] ?? "")
      .filter((text) => text.length > 0)
      .join(" "),
  );
  return [head, ...rows.slice(count)];
}

/**
 * Tables ruled with horizontal lines only (top, middle and bottom rules): consecutive rules of
 * the same extent, where the text between them is table rows, not prose. Columns come from the
 * alignment of the cells.
 */
function borderlessTables(rules: readonly DrawnRule[], segments: readonly LayoutSegment[]): { rows: string[][]; inside: LayoutSegment[]; box: [number, number, number, number] }[] {
  const horizontal = rules.filter((rule) => rule.horizontal).sort((a, b) => a.position - b.position);
  const groups: DrawnRule[][] = [];
  for (const rule of horizontal) {
    const group = groups.find((candidate) => Math.abs(candidate[0]!.start - rule.start) <= SAME_EXTENT && Math.abs(candidate[0]!.end - rule.end) <= SAME_EXTENT);
    if (group) group.push(rule);
    else groups.push([rule]);
  }
  const tables: { rows: string[][]; inside: LayoutSegment[]; box: [number, number, number, number] }[] = [];
  for (const group of groups) {
    const lines = gridLines(group.map((rule) => rule.position));
    const [left, right] = [Math.min(...group.map((rule) => rule.start)), Math.max(...group.map((rule) => rule.end))];
    const within = (segment: LayoutSegment, top: number, bottom: number) => {
      const [x, y] = center(segment);
      return x > left && x < right && y > top && y < bottom;
    };
    // Each stretch between two rules is table rows, empty (a double rule), or something else.
    let run: { top: number; bottom: number; rows: LayoutSegment[][]; headRows: number } | undefined;
    const finish = () => {
      if (run && run.rows.length >= MIN_BORDERLESS_ROWS && run.rows.filter((row) => isTableRow(row)).length >= 2 && alignedShare(run.rows) >= MIN_ALIGNED) {
        const rows = joinHead(toGrid(run.rows), run.headRows);
        if (tableLike(rows)) tables.push({ rows, inside: run.rows.flat(), box: [left, run.top, right, run.bottom] });
      }
      run = undefined;
    };
    for (let i = 0; i + 1 < lines.length; i++) {
      const [top, bottom] = [lines[i]!, lines[i + 1]!];
      const rows = groupIntoRows(segments.filter((segment) => within(segment, top, bottom))).map((row) => [...row].sort((a, b) => a.x0 - b.x0));
      // A line of prose is one long cell (justified prose split at its wide spaces fails the
      // alignment test instead).
      const prose = rows.some((row) => cellsOf(row).some((cell) => cell.text.length > PROSE_CHARS));
      const tabular = rows.length > 0 && !prose && rows.filter((row) => isTableRow(row)).length >= 0.5 * rows.length;
      if (rows.length > 0 && !tabular) {
        finish();
        continue;
      }
      run ??= { top, bottom, rows: [], headRows: 0 };
      run.bottom = bottom;
      // The stretch above the first rule under the head holds the column heads, however
      // many lines they wrap to.
      if (run.rows.length === 0) run.headRows = rows.length;
      run.rows.push(...rows);
    }
    finish();
  }
  return tables;
}

/**
 * Tables drawn with rules: grids of crossing borders, and tables set between horizontal rules
 * only. Returns them with the segments left for the running text; a single underline, a
 * separator or a box around a paragraph is no table and leaves its text alone.
 */
export function findRuledTables(segments: readonly LayoutSegment[], rules: readonly DrawnRule[]): { tables: LayoutTable[]; rest: LayoutSegment[] } {
  const joined = joinRules(rules);
  if (joined.length < 2) return { tables: [], rest: [...segments] };
  const used = new Set<LayoutSegment>();
  const tables: LayoutTable[] = [];
  const inGrids = new Set<DrawnRule>();
  const add = (rows: string[][], inside: LayoutSegment[], [x0, y0, x1, y1]: [number, number, number, number]) => {
    for (const segment of inside) used.add(segment);
    const fontSize = Math.max(...inside.map((segment) => segment.fontSize));
    tables.push({ rows, segments: inside, line: { runs: [], text: "", x0, x1, y0, y1, fontSize, boldRatio: 0, fontName: "" } });
  };
  for (const group of connectedRules(joined)) {
    if (group.filter((rule) => rule.horizontal).length < 2 || group.filter((rule) => !rule.horizontal).length < 3) continue;
    const found = gridTable(group, segments);
    if (!found) continue;
    for (const rule of group) inGrids.add(rule);
    const ys = group.filter((rule) => rule.horizontal).map((rule) => rule.position);
    const xs = group.filter((rule) => !rule.horizontal).map((rule) => rule.position);
    add(found.rows, found.inside, [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]);
  }
  const free = joined.filter((rule) => !inGrids.has(rule));
  for (const found of borderlessTables(free, segments.filter((segment) => !used.has(segment)))) add(found.rows, found.inside, found.box);
  return { tables, rest: segments.filter((segment) => !used.has(segment)) };
}
