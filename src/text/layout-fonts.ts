import type { PageTextLayer, TextItem } from "./text-item.ts";

// PostScript names carry the weight: "Times-Bold", "NimbusRomNo9L-Medi" (LaTeX's Times bold),
// "CMBX10" (Computer Modern bold extended), "Arial-BoldMT", "SourceSansPro-Semibold". "Medium"
// is the regular weight of some families (Stone Serif), so it does not count.
const BOLD_FONT_NAME = /bold|black|heavy|semibold|demi|-medi(?!um)|cmbx|cmssbx|cmb10/i;

/** True when the item is set in a bold face, trusting the engine's flag over the font name. */
export function isBoldItem(item: TextItem): boolean {
  if (item.bold !== undefined) return item.bold;
  // Drop the subset prefix ("ABCDEF+") so it cannot accidentally match.
  const name = item.fontName.includes("+") ? item.fontName.slice(item.fontName.indexOf("+") + 1) : item.fontName;
  return BOLD_FONT_NAME.test(name);
}

/** Font sizes are compared at half-point precision; PDFs rarely differ less for a reason. */
export function roundFontSize(size: number): number {
  return Math.round(size * 2) / 2;
}

/**
 * The font size most of the document's characters are set in: the body text that headings
 * are measured against. Falls back to 10 pt for pages without text (scans before OCR).
 */
export function estimateBodyFontSize(pages: readonly PageTextLayer[]): number {
  const charsBySize = new Map<number, number>();
  for (const page of pages) {
    for (const item of page.items) {
      const chars = item.text.replace(/\s+/g, "").length;
      if (chars === 0 || item.fontSize <= 0) continue;
      const size = roundFontSize(item.fontSize);
      charsBySize.set(size, (charsBySize.get(size) ?? 0) + chars);
    }
  }
  let best = 10;
  let bestChars = 0;
  for (const [size, chars] of charsBySize) {
    // Ties go to the smaller size so a big title never wins on a near-empty page.
    if (chars > bestChars || (chars === bestChars && size < best)) {
      best = size;
      bestChars = chars;
    }
  }
  return best;
}

/**
 * Type 3 fonts scale glyphs with their own font matrix, which pdf.js leaves out of the item's
 * size: a 17 pt title can arrive as "0.24 pt". A character is about half an em wide, so when a
 * font's characters are far wider than its stated size, the size is re-estimated from widths.
 */
export function repairFontSizes(page: PageTextLayer): PageTextLayer {
  const ratios = new Map<string, number[]>();
  const keyOf = (item: TextItem) => `${item.fontName}@${roundFontSize(item.fontSize)}`;
  for (const item of page.items) {
    const chars = item.text.trim().length;
    if (chars < 2 || item.fontSize <= 0) continue;
    const key = keyOf(item);
    const list = ratios.get(key) ?? [];
    list.push(item.width / item.text.length / item.fontSize);
    ratios.set(key, list);
  }
  const scale = new Map<string, number>();
  for (const [key, list] of ratios) {
    const sorted = list.sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    if (median > 1.5) scale.set(key, median / 0.5);
  }
  if (scale.size === 0) return page;
  return {
    ...page,
    items: page.items.map((item) => {
      const factor = scale.get(keyOf(item));
      if (factor === undefined) return item;
      const fontSize = item.fontSize * factor;
      // y is the top edge: keep the baseline where it was while the em grows.
      return { ...item, fontSize, y: item.y + item.fontSize - fontSize, height: Math.max(item.height, fontSize) };
    }),
  };
}
