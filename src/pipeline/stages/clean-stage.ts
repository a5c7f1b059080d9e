import type { StageHandler } from "../stage-context.ts";

/**
 * Cleans every page against the whole document (running headers and footers are found by
 * comparing pages), then writes all pages in one fenced statement.
 */
export const cleanStage: StageHandler = async (context) => {
  const { deps, document, claim } = context;
  const pages = await deps.pages.column(document.id, "markdown");
  const { pages: cleaned, title: guessed } = await deps.textWork.run("cleanPages", [pages.map((page) => page.value)], { signal: context.signal });
  await deps.pages.saveMarkdown(
    claim,
    "CLEAN",
    pages.map((page, index) => ({ number: page.number, text: cleaned[index] ?? "" })),
  );
  await context.reportPages(pages.length, pages.length);
  if (guessed) await deps.prisma.documentJob.update({ where: { id: document.id }, data: { title: guessed.slice(0, 500) } });
  return { output: { pages: pages.length, title: guessed ?? null } };
};
