import { OPS } from "pdfjs-dist/legacy/build/pdf.mjs";
import { walkOperators, type Matrix, type OperatorList } from "./operator-walk.ts";
import type { DrawnRule } from "./pdf-types.ts";

// pdf.js's path buffer opcodes (its DrawOPS), with the number of coordinates each one takes.
const MOVE_TO = 0;
const LINE_TO = 1;
const CURVE_TO = 2;
const QUADRATIC_CURVE_TO = 3;
const CLOSE_PATH = 4;

// A filled rectangle at most this thick (points) is a rule drawn as a bar.
const MAX_THICKNESS = 2.5;
// Shorter marks are no rules; dashes of a dashed rule are longer, and layout joins them.
const MIN_LENGTH = 1.5;
// Lines this far off the axis still count as horizontal or vertical.
const SLANT = 0.5;
// A page with more segments than this is a drawing (a plot, a map), not a page with tables.
const MAX_RULES = 3000;

const STROKES: ReadonlySet<number> = new Set([OPS.stroke, OPS.closeStroke, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
const FILLS: ReadonlySet<number> = new Set([OPS.fill, OPS.eoFill, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);

function apply(ctm: Matrix, x: number, y: number): [number, number] {
  return [ctm[0] * x + ctm[2] * y + ctm[4], ctm[1] * x + ctm[3] * y + ctm[5]];
}

/** The axis-aligned rule from (x0, y0) to (x1, y1) in page space, or none for a slanted or short line. */
function ruleOf(x0: number, y0: number, x1: number, y1: number): DrawnRule | undefined {
  const [dx, dy] = [Math.abs(x1 - x0), Math.abs(y1 - y0)];
  if (dy <= SLANT && dx >= MIN_LENGTH) return { horizontal: true, position: (y0 + y1) / 2, start: Math.min(x0, x1), end: Math.max(x0, x1) };
  if (dx <= SLANT && dy >= MIN_LENGTH) return { horizontal: false, position: (x0 + x1) / 2, start: Math.min(y0, y1), end: Math.max(y0, y1) };
  return undefined;
}

/** A thin filled box as the rule through its middle, or none. */
function barOf(points: readonly [number, number][]): DrawnRule | undefined {
  const xs = points.map((point) => point[0]);
  const ys = points.map((point) => point[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const [width, height] = [x1 - x0, y1 - y0];
  if (height <= MAX_THICKNESS && width >= MIN_LENGTH && width > 2 * height) return { horizontal: true, position: (y0 + y1) / 2, start: x0, end: x1 };
  if (width <= MAX_THICKNESS && height >= MIN_LENGTH && height > 2 * width) return { horizontal: false, position: (x0 + x1) / 2, start: y0, end: y1 };
  return undefined;
}

/** Whether the polygon's edges all run along the axes (a rectangle, however it was drawn). */
function axisAligned(points: readonly [number, number][]): boolean {
  for (let i = 0; i < points.length; i++) {
    const [a, b] = [points[i]!, points[(i + 1) % points.length]!];
    if (Math.abs(a[0] - b[0]) > SLANT && Math.abs(a[1] - b[1]) > SLANT) return false;
  }
  return true;
}

/** Rules of one constructPath: stroked straight edges, and filled thin boxes. */
function pathRules(buffer: ArrayLike<number>, ctm: Matrix, stroked: boolean, filled: boolean, out: DrawnRule[]): void {
  let subpath: [number, number][] = [];
  let curved = false;
  const finish = (closed: boolean) => {
    if (subpath.length >= 2 && !curved) {
      const bar = filled && subpath.length >= 3 && axisAligned(subpath) ? barOf(subpath) : undefined;
      if (bar) out.push(bar);
      else if (stroked) {
        const edges = closed ? subpath.length : subpath.length - 1;
        for (let i = 0; i < edges; i++) {
          const [a, b] = [subpath[i]!, subpath[(i + 1) % subpath.length]!];
          const rule = ruleOf(a[0], a[1], b[0], b[1]);
          if (rule) out.push(rule);
        }
      }
    }
    subpath = [];
    curved = false;
  };
  for (let i = 0; i < buffer.length; ) {
    const op = buffer[i++];
    if (op === MOVE_TO) {
      finish(false);
      subpath.push(apply(ctm, buffer[i]!, buffer[i + 1]!));
      i += 2;
    } else if (op === LINE_TO) {
      subpath.push(apply(ctm, buffer[i]!, buffer[i + 1]!));
      i += 2;
    } else if (op === CURVE_TO) {
      curved = true;
      i += 6;
    } else if (op === QUADRATIC_CURVE_TO) {
      curved = true;
      i += 4;
    } else if (op === CLOSE_PATH) {
      finish(true);
    } else return;
  }
  // A fill closes its path implicitly.
  finish(filled);
}

/**
 * The page's drawn horizontal and vertical rules (table borders, separators, underlines) in
 * top-left page points: stroked straight lines and the edges of stroked rectangles, and filled
 * boxes thin enough to be bars. Curves are drawings, not rules. `viewportTransform` maps PDF
 * user space to the displayed page at scale 1.
 */
export function drawnRules(operatorList: OperatorList, viewportTransform: readonly number[]): DrawnRule[] {
  const rules: DrawnRule[] = [];
  walkOperators(operatorList, viewportTransform, (fn, args, state) => {
    if (fn !== OPS.constructPath || !args) return;
    const [paintOp, data] = args as [number, unknown];
    const buffer = Array.isArray(data) ? (data[0] as ArrayLike<number> | null) : null;
    if (!buffer || typeof buffer.length !== "number") return;
    const stroked = STROKES.has(paintOp) && !state.whiteStroke;
    const filled = FILLS.has(paintOp) && !state.whiteFill;
    if (stroked || filled) pathRules(buffer, state.ctm, stroked, filled, rules);
    return rules.length <= MAX_RULES;
  });
  return rules.length > MAX_RULES ? [] : rules;
}
