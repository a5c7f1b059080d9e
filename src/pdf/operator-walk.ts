import { OPS, Util } from "pdfjs-dist/legacy/build/pdf.mjs";

export type Matrix = [number, number, number, number, number, number];

/** What pdf.js's getOperatorList returns, as far as a walk needs it. */
export interface OperatorList {
  fnArray: readonly number[];
  argsArray: readonly unknown[];
}

/** The graphics state a painting operator draws with. */
export interface PaintState {
  /** User space to the displayed page (top-left points). */
  ctm: Matrix;
  /** White ink is paper: masks and knocked-out lines do not show. */
  whiteFill: boolean;
  whiteStroke: boolean;
}

const WHITE = /^#f[c-f]f[c-f]f[c-f]$/i;
const FILL_COLOURS: ReadonlySet<number> = new Set([OPS.setFillRGBColor, OPS.setFillGray, OPS.setFillCMYKColor]);
const STROKE_COLOURS: ReadonlySet<number> = new Set([OPS.setStrokeRGBColor, OPS.setStrokeGray, OPS.setStrokeCMYKColor]);

const isWhite = (args: unknown[] | null): boolean => typeof args?.[0] === "string" && WHITE.test(args[0]);

/**
 * Walks a page's operators keeping the state that says where and whether ink lands (the
 * transform through save/restore and form XObjects, white fill and stroke), and hands every
 * other operator to `visit` with that state. `visit` returns false to stop the walk.
 * `viewportTransform` maps PDF user space to the displayed page at scale 1.
 */
export function walkOperators(
  operatorList: OperatorList,
  viewportTransform: readonly number[],
  visit: (fn: number, args: unknown[] | null, state: Readonly<PaintState>) => boolean | void,
): void {
  const state: PaintState = { ctm: [...viewportTransform] as Matrix, whiteFill: false, whiteStroke: false };
  const transforms: Matrix[] = [];
  const colours: [boolean, boolean][] = [];
  const { fnArray, argsArray } = operatorList;
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i]!;
    const args = argsArray[i] as unknown[] | null;
    if (fn === OPS.save) {
      transforms.push(state.ctm);
      colours.push([state.whiteFill, state.whiteStroke]);
    } else if (fn === OPS.restore) {
      state.ctm = transforms.pop() ?? state.ctm;
      [state.whiteFill, state.whiteStroke] = colours.pop() ?? [state.whiteFill, state.whiteStroke];
    } else if (FILL_COLOURS.has(fn)) state.whiteFill = isWhite(args);
    else if (STROKE_COLOURS.has(fn)) state.whiteStroke = isWhite(args);
    else if (fn === OPS.transform && args) state.ctm = Util.transform(state.ctm, args) as Matrix;
    else if (fn === OPS.paintFormXObjectBegin) {
      transforms.push(state.ctm);
      const matrix = args?.[0] as number[] | null | undefined;
      if (matrix) state.ctm = Util.transform(state.ctm, matrix) as Matrix;
    } else if (fn === OPS.paintFormXObjectEnd) state.ctm = transforms.pop() ?? state.ctm;
    else if (visit(fn, args, state) === false) return;
  }
}
