import { OPS, Util } from "pdfjs-dist/legacy/build/pdf.mjs";
import { walkOperators, type Matrix, type OperatorList } from "./operator-walk.ts";
import type { PdfBox } from "./pdf-types.ts";

// Painted paths smaller than this (glyph-like marks, bullets, table rules) are not figure parts.
const MIN_PATH_SIDE = 20;
const MIN_PATH_AREA = 600;
// Parts closer than this many points belong to one figure.
const MERGE_GAP = 6;
// A figure covers at least this share of the page, and less than nearly all of it (a page
// frame or background is not a figure).
const MIN_PAGE_SHARE = 0.012;
const MAX_PAGE_SHARE = 0.85;

function boxOf(corners: readonly number[], ctm: Matrix): PdfBox {
  // pdf.js grows `bbox` to hold the transformed rectangle, so it starts empty.
  const bbox = [Infinity, Infinity, -Infinity, -Infinity];
  Util.axialAlignedBoundingBox([corners[0]!, corners[1]!, corners[2]!, corners[3]!], ctm, bbox);
  return { x: bbox[0]!, y: bbox[1]!, width: bbox[2]! - bbox[0]!, height: bbox[3]! - bbox[1]! };
}

function near(a: PdfBox, b: PdfBox): boolean {
  return (
    a.x - MERGE_GAP <= b.x + b.width && b.x - MERGE_GAP <= a.x + a.width && a.y - MERGE_GAP <= b.y + b.height && b.y - MERGE_GAP <= a.y + a.height
  );
}

function union(a: PdfBox, b: PdfBox): PdfBox {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/**
 * Boxes of the page's figures in top-left page points: images, and painted shapes (framed
 * boxes, chart areas) large enough not to be glyphs or rules, merged where they touch. Text
 * inside them is figure text, which layout keeps out of column detection and running text.
 * `viewportTransform` maps PDF user space to the displayed page at scale 1.
 */
export function figureRegions(operatorList: OperatorList, viewportTransform: readonly number[], pageWidth: number, pageHeight: number): PdfBox[] {
  const parts: PdfBox[] = [];
  walkOperators(operatorList, viewportTransform, (fn, args, { ctm, whiteFill }) => {
    if (fn === OPS.paintImageXObject || fn === OPS.paintInlineImageXObject || fn === OPS.paintImageMaskXObject) {
      // Images are drawn into the unit square of the current transform.
      const box = boxOf([0, 0, 1, 1], ctm);
      if (box.width >= MIN_PATH_SIDE && box.height >= MIN_PATH_SIDE) parts.push(box);
    } else if (fn === OPS.constructPath && args) {
      const [paintOp, , minMax] = args as [number, unknown, number[] | null];
      // A path that only clips paints nothing.
      if (paintOp === OPS.endPath || !minMax || minMax.length < 4) return;
      // White fills are paper, not ink: layout programs lay them under text columns as masks.
      if (whiteFill && (paintOp === OPS.fill || paintOp === OPS.eoFill)) return;
      const box = boxOf(minMax, ctm);
      if (box.width >= MIN_PATH_SIDE && box.height >= MIN_PATH_SIDE && box.width * box.height >= MIN_PATH_AREA) parts.push(box);
    }
  });
  // Merge touching parts until nothing changes (a figure is usually a handful of parts).
  let regions = parts;
  for (let changed = true; changed; ) {
    changed = false;
    const merged: PdfBox[] = [];
    for (const box of regions) {
      const other = merged.findIndex((candidate) => near(candidate, box));
      if (other >= 0) {
        merged[other] = union(merged[other]!, box);
        changed = true;
      } else merged.push(box);
    }
    regions = merged;
  }
  const pageArea = pageWidth * pageHeight;
  return regions.filter((box) => {
    const share = (box.width * box.height) / pageArea;
    return share >= MIN_PAGE_SHARE && share <= MAX_PAGE_SHARE;
  });
}
