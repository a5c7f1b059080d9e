import type { StageHandler } from "../stage-context.ts";

/** Parses the file in a worker: page count from the page tree, encryption, metadata title. */
export const validateStage: StageHandler = async (context) => {
  const { deps, document, claim, signal } = context;
  const inspection = await deps.renderPool.inspect(document.sha256, await context.bytes(), { signal });
  await deps.pages.createPages(document.id, inspection.pageCount);
  await deps.documents.saveValidation(claim, { pageCount: inspection.pageCount, title: inspection.title ?? null });
  // The Info dictionary (authors, dates, identifiers) feeds the paper metadata of CITATIONS.
  return { output: { pageCount: inspection.pageCount, encrypted: inspection.encrypted, title: inspection.title ?? null, info: inspection.info } };
};
