import { readFile } from "node:fs/promises";
import { getDocument, Util } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { TextItem as PdfJsTextItem } from "pdfjs-dist/types/src/display/api.d.ts";
import type { PageTextLayer, TextItem } from "../../../src/text/text-item.ts";

/**
 * Reads a PDF's text layer with pdf.js and maps it to Quire's TextItem, the way the PDF engine
 * does in production. Only the citations integration test uses this, so it lives beside it.
 */
export async function readPdfTextLayers(path: string): Promise<PageTextLayer[]> {
  const data = new Uint8Array(await readFile(path));
  const loadingTask = getDocument({ data, verbosity: 0, fontExtraProperties: true });
  try {
    const pdf = await loadingTask.promise;
    const pages: PageTextLayer[] = [];
    for (let pageNumber = 1; pageNumber <= pdf.numPages; pageNumber++) {
      const page = await pdf.getPage(pageNumber);
      const viewport = page.getViewport({ scale: 1 });
      const content = await page.getTextContent();
      // The real font names (with "Bold" in them) are only known once the fonts are loaded.
      await page.getOperatorList();
      const fontNames = new Map<string, string>();
      const items: TextItem[] = [];
      for (const raw of content.items) {
        if (!("str" in raw)) continue;
        const item = raw as PdfJsTextItem;
        if (item.str.length === 0 && !item.hasEOL) continue;
        const m = Util.transform(viewport.transform, item.transform as number[]) as number[];
        // TextItem has no rotation, so rotated text (arXiv and journal margin stamps) would be
        // laid out as if horizontal; the PDF engine drops it the same way.
        if (Math.abs(m[1] ?? 0) > 1e-3 || (m[0] ?? 0) <= 0) continue;
        const fontSize = Math.hypot(m[2] ?? 0, m[3] ?? 0);
        if (!fontNames.has(item.fontName)) fontNames.set(item.fontName, realFontName(page, item.fontName));
        items.push({
          text: item.str,
          x: m[4] ?? 0,
          // Top edge as the PDF engine computes it: baseline minus the font's ascent.
          y: (m[5] ?? 0) - (content.styles[item.fontName]?.ascent || 0.8) * fontSize,
          width: item.width,
          height: item.height || fontSize,
          fontSize,
          fontName: fontNames.get(item.fontName) ?? item.fontName,
          hasEOL: item.hasEOL,
        });
      }
      pages.push({ width: viewport.width, height: viewport.height, items });
      page.cleanup();
    }
    return pages;
  } finally {
    await loadingTask.destroy();
  }
}

function realFontName(page: { commonObjs: { has(id: string): boolean; get(id: string): unknown } }, id: string): string {
  if (!page.commonObjs.has(id)) return id;
  const font = page.commonObjs.get(id) as { name?: string } | null;
  return font?.name ?? id;
}
