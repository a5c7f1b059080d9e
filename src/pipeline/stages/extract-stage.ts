import { runPages } from "../run-pages.ts";
import type { StageHandler } from "../stage-context.ts";

// Fewer visible characters than this means the page has no usable text layer (scans, or a
// stray page number): OCR its rendered image instead.
const MIN_TEXT_CHARS = 16;

/** Text layer of every page; pages without one are OCR'd from their rendered image. */
export const extractStage: StageHandler = async (context) => {
  const { deps, document, claim, signal } = context;
  const bytes = await context.bytes();
  const pending = await deps.pages.pendingPages(document.id, "EXTRACT");
  const total = document.pageCount ?? (await deps.pages.countPages(document.id));
  let ocrPages = 0;
  let unreadable = 0;
  await runPages(context, pending, total, async (pageNumber) => {
    const extracted = await deps.renderPool.extractPage({ documentKey: document.sha256, bytes, pageNumber }, { signal });
    const text = extracted.items.map((item) => item.text + (item.hasEOL ? "\n" : "")).join("").trim();
    if (text.replace(/\s/g, "").length >= MIN_TEXT_CHARS || extracted.formFields?.length) {
      const { figures, rules, formFields } = extracted;
      const layer = { width: extracted.width, height: extracted.height, items: extracted.items, figures, rules, formFields };
      await deps.pages.saveText(claim, { number: pageNumber, ...layer, text, ocr: false });
      return;
    }
    const image = await deps.pages.image(document.id, pageNumber);
    if (!image) {
      unreadable++;
      await deps.pages.saveText(claim, { number: pageNumber, width: extracted.width, height: extracted.height, items: extracted.items, text, ocr: false });
      return;
    }
    const ocr = await deps.renderPool.ocrPage({ png: image }, { signal });
    ocrPages++;
    await deps.pages.saveText(claim, { number: pageNumber, width: extracted.width, height: extracted.height, items: [], text: ocr.text.trim(), ocr: true });
  });
  const warnings = unreadable ? [`${unreadable} page(s) have no text layer and were not rendered, so they could not be OCR'd`] : [];
  return { output: { pages: total, ocrPages }, warnings };
};
