import { runPages } from "../run-pages.ts";
import type { StageHandler } from "../stage-context.ts";

// A US-letter page at the requested DPI, RGBA, plus the encoder's copy: what one render holds.
function estimatedRenderMb(dpi: number): number {
  return Math.max(1, Math.ceil((8.5 * dpi * 11 * dpi * 4 * 2) / (1024 * 1024)));
}

/** Renders every page not yet rendered (JPEG or PNG: the pool's setting), in the worker pool, within the memory budget. */
export const renderStage: StageHandler = async (context) => {
  const { deps, document, claim, signal } = context;
  const bytes = await context.bytes();
  const pending = await deps.pages.pendingPages(document.id, "RENDER");
  const total = document.pageCount ?? (await deps.pages.countPages(document.id));
  const weight = estimatedRenderMb(document.renderDpi);
  const downscaled: number[] = [];
  await runPages(context, pending, total, async (pageNumber) => {
    const page = await deps.memoryBudget.schedule({ weight }, () =>
      deps.renderPool.renderPage({ documentKey: document.sha256, bytes, pageNumber, dpi: document.renderDpi }, { signal }),
    );
    if (page.dpiUsed < document.renderDpi) downscaled.push(pageNumber);
    await deps.pages.saveRender(claim, { number: pageNumber, width: page.width, height: page.height, dpiUsed: page.dpiUsed, png: page.image });
  });
  const warnings = downscaled.length
    ? [`${downscaled.length} page(s) rendered below ${document.renderDpi} DPI to stay within the pixel limit`]
    : [];
  return { output: { pages: total, downscaledPages: downscaled.sort((a, b) => a - b) }, warnings };
};
