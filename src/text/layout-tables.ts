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

function rowText(row: readonly LayoutSegment[]): string {
  return row.flatMap((segment) => segment.items.map((item) => item.text)).join(" ");
}

/** The row's cells: its items split where the gap is wider than a word space. */
function cellsOf(row: readonly LayoutSegment[]): { text: string; x0: number; x1: number }[] {
  const items = row.flatMap((segment) => segment.items).filter((item) => item.text.trim().length > 0).sort((a, b) => a.x - b.x);
  const cells: { text: string; x0: number; x1: number }[] = [];
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
function isTableRow(row: readonly LayoutSegment[]): boolean {
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

/** Column intervals from the rows with the most cells; every cell goes to the one it overlaps most. */
function toGrid(rows: readonly (readonly LayoutSegment[])[]): string[][] {
  const cellRows = rows.map(cellsOf);
  const width = Math.max(...cellRows.map((cells) => cells.length));
  const model = cellRows.filter((cells) => cells.length === width);
  const columns = Array.from({ length: width }, (_v, i) => ({
    x0: Math.min(...model.map((cells) => cells[i]!.x0)),
    x1: Math.max(...model.map((cells) => cells[i]!.x1)),
  }));
  return cellRows.map((cells) => {
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
    const label = cellsOf(row).length === 1 && rowText(row).length <= 40 && next !== undefined && isTableRow(next) && taken.length > 0;
    if (!isTableRow(row) && !label) break;
    taken.push(row);
    edge = step === 1 ? bottom(row) : top(row);
  }
  return step === 1 ? taken : taken.reverse();
}

/**
 * Tables beside their captions ("Table 2: …"): the run of cell-like rows right below the caption,
 * or right above it when nothing table-like follows, with columns found from the rows that have
 * the most cells. Returns the tables and the segments left for the running text.
 */
export function findTables(segments: readonly LayoutSegment[], pageWidth: number): { tables: LayoutTable[]; rest: LayoutSegment[] } {
  const used = new Set<LayoutSegment>();
  const tables: LayoutTable[] = [];
  const captions = segments.filter((segment) => CAPTION.test(segment.items.map((item) => item.text).join("").trim()));
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
