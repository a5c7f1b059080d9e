import { normalizeUnicode, Util } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { PDFDocumentProxy, PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import { isBoldFont, stripSubsetTag } from "./font-style.ts";
import { PdfError } from "./pdf-error.ts";
import { drawnRules } from "./drawn-rules.ts";
import { figureRegions } from "./figure-regions.ts";
import { readFormFields } from "./form-fields.ts";
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
      // Ligatures are expanded here, after pdf.js has put right-to-left text in logical order:
      // expanded before, an Arabic lam-alef ligature comes out reversed.
      content = await page.getTextContent({ disableNormalization: true });
    } catch (error) {
      throw new PdfError("PDF_CORRUPT", `Text of page ${pageNumber} cannot be read: ${String(error)}`, { cause: error });
    }
    const fontIds = new Set<string>();
    for (const item of content.items) if ("str" in item) fontIds.add(item.fontName);
    const operatorList = await readOperatorList(page);
    const fonts = loadFonts(page, fontIds);

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
        text: normalizeUnicode(item.str) as string,
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
    const figures = operatorList ? figureRegions(operatorList, viewport.transform, viewport.width, viewport.height) : [];
    const rules = operatorList ? drawnRules(operatorList, viewport.transform) : [];
    const formFields = await readFormFields(page, viewport);
    return {
      pageNumber,
      width: viewport.width,
      height: viewport.height,
      items,
      ...(figures.length > 0 ? { figures } : {}),
      ...(rules.length > 0 ? { rules } : {}),
      ...(formFields.length > 0 ? { formFields } : {}),
    };
  } finally {
    page.cleanup();
  }
}

/**
 * The page's operator list: it ships the fonts' real names to this side and holds the drawing
 * operations figures and table rules are found from. A page whose drawing cannot be read still has its text.
 */
async function readOperatorList(page: PDFPageProxy): Promise<{ fnArray: number[]; argsArray: unknown[] } | undefined> {
  try {
    const { fnArray, argsArray } = await page.getOperatorList();
    return { fnArray, argsArray };
  } catch {
    return undefined;
  }
}

function loadFonts(page: PDFPageProxy, fontIds: Set<string>): Map<string, LoadedFont> {
  const fonts = new Map<string, LoadedFont>();
  for (const id of fontIds) {
    if (page.commonObjs.has(id)) fonts.set(id, page.commonObjs.get(id) as LoadedFont);
  }
  return fonts;
}
