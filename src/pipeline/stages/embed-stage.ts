import type { StageHandler } from "../stage-context.ts";

/** Chunks per embedding request (the cost estimate counts requests with it). */
export const EMBED_BATCH_SIZE = 32;

/** Embeds chunks that have no vector yet, a batch at a time, through the provider layer. */
export const embedStage: StageHandler = async (context) => {
  const { deps, document, claim } = context;
  const pending = await deps.chunks.unembedded(document.id);
  let model = "";
  for (let start = 0; start < pending.length; start += EMBED_BATCH_SIZE) {
    const batch = pending.slice(start, start + EMBED_BATCH_SIZE);
    const result = await deps.gateway.embed({
      purpose: "pipeline.embed",
      userId: document.userId,
      subjectId: document.id,
      signal: context.signal,
      inputs: batch.map((chunk) => chunk.text),
    });
    model = result.model;
    await deps.chunks.saveEmbeddings(
      claim,
      batch.map((chunk, index) => ({ index: chunk.index, vector: result.vectors[index] ?? [] })),
    );
  }
  return { output: { embedded: pending.length, model } };
};
