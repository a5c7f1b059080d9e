import type { PageTextLayer } from "../../text/text-item.ts";
import { modelPageMarkdown } from "../model-page-markdown.ts";
import { runPages } from "../run-pages.ts";
import type { StageHandler } from "../stage-context.ts";

/**
 * Markdown for every page: from the text layer's geometry (headings measured against the
 * document's body size), from OCR text, or, with a real provider, from the model given the
 * page image and its text layer (falling back to the local result when the answer is invalid).
 */
export const parseStage: StageHandler = async (context) => {
  const { deps, document, claim } = context;
  const pending = await deps.pages.pendingPages(document.id, "PARSE");
  const total = document.pageCount ?? (await deps.pages.countPages(document.id));
  const layers = new Map<number, PageTextLayer | undefined>();
  for (const number of pending) layers.set(number, await deps.pages.textLayer(document.id, number));
  const withItems = [...layers.values()].filter((layer): layer is PageTextLayer => Boolean(layer?.items.length));
  const layout = await deps.textWork.run("documentLayout", [withItems], { signal: context.signal });
  const texts = new Map((await deps.pages.column(document.id, "text")).map((row) => [row.number, row.value]));
  const useModel = deps.gateway.defaults().provider !== "local";
  const warnings: string[] = [];

  await runPages(context, pending, total, async (pageNumber) => {
    const layer = layers.get(pageNumber);
    const local = await deps.textWork.run("pageMarkdown", [layer, texts.get(pageNumber) ?? "", layout], { signal: context.signal });
    let markdown = local;
    if (useModel) {
      const image = await deps.pages.image(document.id, pageNumber);
      const answer = await modelPageMarkdown(context, { pageNumber, image, textLayer: texts.get(pageNumber) ?? "" });
      if (answer.ok) markdown = answer.markdown;
      else warnings.push(`page ${pageNumber}: ${answer.reason}; used the local parse`);
    }
    await deps.pages.saveMarkdown(claim, "PARSE", [{ number: pageNumber, text: markdown }]);
    layers.delete(pageNumber);
  });
  return { output: { pages: total, parser: useModel ? "model" : "local" }, warnings };
};
