import { runPages } from "../run-pages.ts";
import type { StageHandler } from "../stage-context.ts";

// A US-letter page at the requested DPI, RGBA, plus the encoder's copy: what one render holds.
function estimatedRenderMb(dpi: number): number {
  return Math.max(1, Math.ceil((8.5 * dpi * 11 * dpi * 4 * 2) / (1024 * 1024)));
}

/**
 * Where a RENDER run's page time went, summed over its pages (ms): waiting for the memory
 * budget, in the pool beyond the worker's own work (queue for a free worker, IPC both ways,
 * opening the document), drawing (pdf.js), encoding, and storing the image. Kept in the
 * checkpoint's output and logged, so a slow render can be explained from the outside.
 */
interface RenderTiming {
  pages: number;
  wallMs: number;
  budgetWaitMs: number;
  poolOverheadMs: number;
  drawMs: number;
  encodeMs: number;
  /** CPU of the render workers for these pages (draw + encode, all threads). */
  workerCpuMs: number;
  storeMs: number;
}

/** Renders every page not yet rendered (JPEG or PNG: the pool's setting), in the worker pool, within the memory budget. */
export const renderStage: StageHandler = async (context) => {
  const { deps, document, claim, signal } = context;
  const started = performance.now();
  const bytes = await context.bytes();
  const pending = await deps.pages.pendingPages(document.id, "RENDER");
  const total = document.pageCount ?? (await deps.pages.countPages(document.id));
  const weight = estimatedRenderMb(document.renderDpi);
  const downscaled: number[] = [];
  const timing: RenderTiming = { pages: pending.length, wallMs: 0, budgetWaitMs: 0, poolOverheadMs: 0, drawMs: 0, encodeMs: 0, workerCpuMs: 0, storeMs: 0 };
  await runPages(context, pending, total, async (pageNumber) => {
    const queued = performance.now();
    let submitted = queued;
    const page = await deps.memoryBudget.schedule({ weight }, () => {
      submitted = performance.now();
      return deps.renderPool.renderPage({ documentKey: document.sha256, bytes, pageNumber, dpi: document.renderDpi }, { signal });
    });
    const rendered = performance.now();
    if (page.dpiUsed < document.renderDpi) downscaled.push(pageNumber);
    await deps.pages.saveRender(claim, { number: pageNumber, width: page.width, height: page.height, dpiUsed: page.dpiUsed, png: page.image });
    timing.budgetWaitMs += submitted - queued;
    timing.poolOverheadMs += rendered - submitted - page.drawMs - page.encodeMs;
    timing.drawMs += page.drawMs;
    timing.encodeMs += page.encodeMs;
    timing.workerCpuMs += page.cpuMs;
    timing.storeMs += performance.now() - rendered;
  });
  timing.wallMs = performance.now() - started;
  const rounded = Object.fromEntries(Object.entries(timing).map(([name, value]: [string, number]) => [name, Math.round(value)])) as unknown as RenderTiming;
  context.logger.info({ renderTiming: rounded }, "render timing");
  const warnings = downscaled.length
    ? [`${downscaled.length} page(s) rendered below ${document.renderDpi} DPI to stay within the pixel limit`]
    : [];
  return { output: { pages: total, downscaledPages: downscaled.sort((a, b) => a - b), timing: rounded }, warnings };
};
