import { Util } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { PDFDocumentProxy, PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import { isBoldFont, stripSubsetTag } from "./font-style.ts";
import { PdfError } from "./pdf-error.ts";
import type { ExtractedPage, TextItem } from "./pdf-types.ts";
import { getPageChecked } from "./page-renderer.ts";

interface LoadedFont {
  name?: string;
  bold?: boolean;
  black?: boolean;
}

// Used when a style has no ascent: roughly where Latin cap height sits above the baseline.
const DEFAULT_ASCENT = 0.8;

/**
 * Reads the text layer of one page: pdf.js's text items mapped to top-down page coordinates,
 * with the real font name and a bold hint for heading detection.
 */
export async function extractPage(doc: PDFDocumentProxy, pageNumber: number): Promise<ExtractedPage> {
  const page = await getPageChecked(doc, pageNumber);
  try {
    const viewport = page.getViewport({ scale: 1 });
    let content;
    try {
      content = await page.getTextContent();
    } catch (error) {
      throw new PdfError("PDF_CORRUPT", `Text of page ${pageNumber} cannot be read: ${String(error)}`, { cause: error });
    }
    const fontIds = new Set<string>();
    for (const item of content.items) if ("str" in item) fontIds.add(item.fontName);
    const fonts = await loadFonts(page, fontIds);

    const items: TextItem[] = [];
    for (const item of content.items) {
      // Marked-content markers carry no text; empty runs matter only as line breaks.
      if (!("str" in item) || (item.str === "" && !item.hasEOL)) continue;
      const [, , c, d, e, f] = Util.transform(viewport.transform, item.transform as number[]) as number[];
      const fontSize = Math.hypot(c ?? 0, d ?? 0);
      const ascent = content.styles[item.fontName]?.ascent || DEFAULT_ASCENT;
      const font = fonts.get(item.fontName);
      const fontName = font?.name ? stripSubsetTag(font.name) : item.fontName;
      items.push({
        text: item.str,
        x: e ?? 0,
        y: (f ?? 0) - ascent * fontSize,
        width: item.width,
        height: item.height,
        fontSize,
        fontName,
        ...(font ? { bold: isBoldFont(font.name ?? "", font.bold === true || font.black === true) } : {}),
        hasEOL: item.hasEOL,
      });
    }
    return { pageNumber, width: viewport.width, height: viewport.height, items };
  } finally {
    page.cleanup();
  }
}

async function loadFonts(page: PDFPageProxy, fontIds: Set<string>): Promise<Map<string, LoadedFont>> {
  const fonts = new Map<string, LoadedFont>();
  if (fontIds.size === 0) return fonts;
  // getTextContent parses fonts but only the operator list ships them to this side; skip the
  // extra pass when an earlier render of the document already did.
  if ([...fontIds].some((id) => !page.commonObjs.has(id))) {
    try {
      await page.getOperatorList();
    } catch {
      // Font names are a hint; text without them is still text.
    }
  }
  for (const id of fontIds) {
    if (page.commonObjs.has(id)) fonts.set(id, page.commonObjs.get(id) as LoadedFont);
  }
  return fonts;
}
