import type { PageTextLayer, TextItem } from "../../../src/text/text-item.ts";

/** Builds a TextItem with a width that follows from its length, like a real font would. */
export function item(text: string, x: number, y: number, options: Partial<TextItem> = {}): TextItem {
  const fontSize = options.fontSize ?? 10;
  return {
    text,
    x,
    y,
    width: options.width ?? text.length * fontSize * 0.5,
    height: fontSize,
    fontSize,
    fontName: options.fontName ?? "Times-Roman",
    hasEOL: false,
    ...options,
  };
}

/** Lines of body text, one item per line, starting at `top` with a 12 pt pitch. */
export function bodyLines(lines: readonly string[], x: number, top: number, options: Partial<TextItem> = {}): TextItem[] {
  return lines.map((text, i) => item(text, x, top + i * 12, options));
}

/** A US-letter page holding `items`. */
export function page(items: TextItem[]): PageTextLayer {
  return { width: 612, height: 792, items };
}
