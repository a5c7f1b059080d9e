import { groupIntoRows, numericShare, type LayoutLine, type LayoutSegment } from "./layout-lines.ts";
import type { TextItem } from "./text-item.ts";

const CAPTION = /^(?:Table|TABLE)\s*[0-9IVX]{1,4}\b/u;
// Cells of one row are apart by at least this many ems; words inside a cell are closer.
const CELL_GAP_EM = 0.6;
// A row belongs to the table while the gap to the previous one stays under this many lines.
const MAX_ROW_GAP = 2.2;

/** A table found on the page: its rows of cells and the box it covers. */
export interface LayoutTable {
  rows: string[][];
  /** A line spanning the table, so it can be placed among the page's blocks. */
  line: LayoutLine;
  segments: LayoutSegment[];
}

/** One cell of a row, with its x range. */
export interface Cell {
  text: string;
  x0: number;
  x1: number;
}

function rowText(row: readonly LayoutSegment[]): string {
  return row.flatMap((segment) => segment.items.map((item) => item.text)).join(" ");
}

/** The row's cells: its items split where the gap is wider than a word space. */
export function cellsOf(row: readonly LayoutSegment[]): Cell[] {
  const items = row.flatMap((segment) => segment.items).filter((item) => item.text.trim().length > 0).sort((a, b) => a.x - b.x);
  const cells: Cell[] = [];
  let previous: TextItem | undefined;
  for (const item of items) {
    const cell = cells.at(-1);
    if (cell && previous && item.x - cell.x1 <= CELL_GAP_EM * item.fontSize) {
      cell.text += item.x - cell.x1 > 0.15 * item.fontSize && !/\s$/.test(cell.text) ? ` ${item.text.trim()}` : item.text.trim();
      cell.x1 = Math.max(cell.x1, item.x + item.width);
    } else {
      cells.push({ text: item.text.trim(), x0: item.x, x1: item.x + item.width });
    }
    previous = item;
  }
  return cells;
}

/** A row that looks like table cells: several short pieces, or mostly numbers. */
export function isTableRow(row: readonly LayoutSegment[]): boolean {
  const cells = cellsOf(row);
  if (cells.length < 2) return false;
  const longest = Math.max(...cells.map((cell) => cell.text.length));
  return numericShare(rowText(row)) >= 0.3 || longest <= 30;
}

function top(row: readonly LayoutSegment[]): number {
  return Math.min(...row.map((segment) => segment.y0));
}

function bottom(row: readonly LayoutSegment[]): number {
  return Math.max(...row.map((segment) => segment.y1));
}

const NUMBER = /^[([]?[-+−±]?\d[\d.,:%]*[)\]%*†‡]?$/u;

/** The words of a cell with their x ranges, estimated from their share of its characters. */
function wordsOf(cell: Cell): Cell[] {
  const words: Cell[] = [];
  const perChar = (cell.x1 - cell.x0) / Math.max(1, cell.text.length);
  for (const match of cell.text.matchAll(/\S+/gu)) {
    words.push({ text: match[0], x0: cell.x0 + match.index * perChar, x1: cell.x0 + (match.index + match[0].length) * perChar });
  }
  return words;
}

/**
 * Tables set tight leave a word space between numeric columns ("83.0 84.2 84.1"): a cell of
 * numbers only is one number per column.
 */
function splitNumbers(cells: readonly Cell[]): Cell[] {
  return cells.flatMap((cell) => {
    const words = wordsOf(cell);
    return words.length >= 2 && words.every((word) => NUMBER.test(word.text)) ? words : [cell];
  });
}

/** Splits numbers off the end of text cells, left to right, while the row stays within `width`. */
function splitTrailingNumbers(cells: readonly Cell[], width: number): Cell[] {
  let spare = width - cells.length;
  return cells.flatMap((cell) => {
    const words = wordsOf(cell);
    let first = words.length;
    while (first > 1 && NUMBER.test(words[first - 1]!.text) && words.length - first < spare) first--;
    if (first === words.length) return [cell];
    spare -= words.length - first;
    const label = { text: words.slice(0, first).map((word) => word.text).join(" "), x0: cell.x0, x1: words[first - 1]!.x1 };
    return [label, ...words.slice(first)];
  });
}

/** Column intervals from the rows with the most cells; every cell goes to the one it overlaps most. */
export function toGrid(rows: readonly (readonly LayoutSegment[])[]): string[][] {
  const numbered = rows.map((row) => splitNumbers(cellsOf(row)));
  const width = Math.max(...numbered.map((cells) => cells.length));
  // A short row may have its first numbers run into the label before them ("co-citation 82.9").
  const cellRows = numbered.map((cells) => (cells.length < width ? splitTrailingNumbers(cells, width) : cells));
  const model = cellRows.filter((cells) => cells.length === width);
  const columns = Array.from({ length: width }, (_v, i) => ({
    x0: Math.min(...model.map((cells) => cells[i]!.x0)),
    x1: Math.max(...model.map((cells) => cells[i]!.x1)),
  }));
  // A header over such columns is one word per column too ("CLS USR CITE"): split a cell whose
  // words match the columns it covers one for one.
  const covers = (cell: Cell) => columns.filter((column) => Math.min(cell.x1, column.x1) - Math.max(cell.x0, column.x0) > 0).length;
  const splitRows = cellRows.map((cells) =>
    cells.flatMap((cell) => {
      const words = wordsOf(cell);
      return words.length >= 2 && covers(cell) === words.length ? words : [cell];
    }),
  );
  return splitRows.map((cells) => {
    const grid: string[] = Array.from({ length: width }, () => "");
    for (const cell of cells) {
      let best = 0;
      let bestScore = -Infinity;
      columns.forEach((column, i) => {
        const overlap = Math.min(cell.x1, column.x1) - Math.max(cell.x0, column.x0);
        const score = overlap > 0 ? overlap : -Math.abs((cell.x0 + cell.x1) / 2 - (column.x0 + column.x1) / 2);
        if (score > bestScore) {
          best = i;
          bestScore = score;
        }
      });
      grid[best] = grid[best] ? `${grid[best]} ${cell.text}` : cell.text;
    }
    return grid;
  });
}

/** Collects consecutive table rows from `start` in direction `step` (1 down, -1 up). */
function collectRows(rows: readonly LayoutSegment[][], start: number, step: 1 | -1, fontSize: number): LayoutSegment[][] {
  const taken: LayoutSegment[][] = [];
  let edge = step === 1 ? bottom(rows[start - 1] ?? rows[start]!) : top(rows[start + 1] ?? rows[start]!);
  for (let i = start; i >= 0 && i < rows.length; i += step) {
    const row = rows[i]!;
    const gap = step === 1 ? top(row) - edge : edge - bottom(row);
    if (gap > MAX_ROW_GAP * fontSize) break;
    // A short label row ("Predictive", "Retrospective") groups the rows that follow it.
    const next = rows[i + step];
    const cells = cellsOf(row);
    const label = cells.length === 1 && cells[0]!.text.length <= 40 && next !== undefined && isTableRow(next) && taken.length > 0;
    if (!isTableRow(row) && !label) break;
    taken.push(row);
    edge = step === 1 ? bottom(row) : top(row);
  }
  return step === 1 ? taken : taken.reverse();
}

/**
 * Tables beside their captions ("Table 2: …"): the run of cell-like rows right below the caption,
 * or right above it when nothing table-like follows, with columns found from the rows that have
 * the most cells. Returns the tables and the segments left for the running text. Captions beside
 * `ruled` tables (found from drawn rules) are left to them.
 */
export function findTables(
  segments: readonly LayoutSegment[],
  pageWidth: number,
  ruled: readonly LayoutTable[] = [],
): { tables: LayoutTable[]; rest: LayoutSegment[] } {
  const used = new Set<LayoutSegment>();
  const tables: LayoutTable[] = [];
  // A caption right above or below a table already found from its rules is that table's.
  const besideRuled = (caption: LayoutSegment) =>
    ruled.some(({ line }) => {
      const gap = Math.max(line.y0 - caption.y1, caption.y0 - line.y1);
      return gap < 4 * caption.fontSize && caption.x0 < line.x1 && caption.x1 > line.x0;
    });
  const captions = segments.filter((segment) => CAPTION.test(segment.items.map((item) => item.text).join("").trim()) && !besideRuled(segment));
  for (const caption of captions) {
    // A caption off the page's centre sits in one column of a two-column page: so does its
    // table, and the other column's lines on the same baselines are not its cells.
    const center = (caption.x0 + caption.x1) / 2;
    const sameHalf = (segment: LayoutSegment) => {
      const middle = (segment.x0 + segment.x1) / 2;
      return center < pageWidth / 2 ? middle < pageWidth / 2 : middle > pageWidth / 2;
    };
    // Running text in the other half near the caption shows a second column.
    const otherColumn = segments.some((segment) => {
      const text = segment.items.map((item) => item.text).join("");
      return !sameHalf(segment) && Math.abs(segment.y0 - caption.y0) < 15 * caption.fontSize && text.length >= 30 && numericShare(text) < 0.3;
    });
    const wide = Math.abs(center - pageWidth / 2) < 0.12 * pageWidth || !otherColumn;
    const inColumn = (segment: LayoutSegment) => wide || sameHalf(segment);
    const rows = groupIntoRows(segments.filter(inColumn)).map((row) => [...row].sort((a, b) => a.x0 - b.x0));
    const index = rows.findIndex((row) => row.includes(caption));
    if (index < 0) continue;
    // A caption may run over a few lines: the table starts after the first cell-like row.
    let below = index + 1;
    while (below < rows.length && below <= index + 3 && !isTableRow(rows[below]!)) below++;
    let found = below < rows.length ? collectRows(rows, below, 1, caption.fontSize) : [];
    if (found.length < 2) found = index > 0 ? collectRows(rows, index - 1, -1, caption.fontSize) : [];
    const fresh = found.filter((candidate) => candidate.every((segment) => !used.has(segment)));
    if (fresh.length < 2) continue;
    for (const candidate of fresh) for (const segment of candidate) used.add(segment);
    const all = fresh.flat();
    const x0 = Math.min(...all.map((segment) => segment.x0));
    const x1 = Math.max(...all.map((segment) => segment.x1));
    tables.push({
      rows: toGrid(fresh),
      segments: all,
      line: { runs: [], text: "", x0, x1, y0: top(fresh[0]!), y1: bottom(fresh.at(-1)!), fontSize: caption.fontSize, boldRatio: 0, fontName: "" },
    });
  }
  return { tables, rest: segments.filter((segment) => !used.has(segment)) };
}

/** A table as GitHub-flavoured markdown; the first row is the header. */
export function renderTable(rows: readonly string[][]): string {
  const escape = (cell: string) => cell.replace(/\|/g, "\\|").replace(/\s+/g, " ").trim();
  const [header, ...body] = rows;
  const width = header!.length;
  const lines = [`| ${header!.map(escape).join(" | ")} |`, `| ${Array.from({ length: width }, () => "---").join(" | ")} |`];
  for (const row of body) lines.push(`| ${row.map(escape).join(" | ")} |`);
  return lines.join("\n");
}
