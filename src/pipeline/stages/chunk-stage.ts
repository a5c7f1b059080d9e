import type { StageHandler } from "../stage-context.ts";

/** Chunk size and overlap (the cost estimate derives embedded tokens from them). */
export const CHUNK_OPTIONS = { targetTokens: 512, overlapTokens: 64 } as const;

/** Splits the cleaned document by headings and paragraphs into overlapping token-sized chunks. */
export const chunkStage: StageHandler = async (context) => {
  const { deps, document, claim } = context;
  const pages = (await deps.pages.column(document.id, "cleaned")).map((page) => page.value);
  const chunks = await deps.textWork.run("chunkMarkdownPages", [pages, CHUNK_OPTIONS], { signal: context.signal });
  await deps.chunks.replace(claim, chunks);
  return { output: { chunks: chunks.length, tokens: chunks.reduce((sum, chunk) => sum + chunk.tokenCount, 0) } };
};
