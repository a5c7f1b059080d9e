import Bottleneck from "bottleneck";
import { z } from "zod";
import { planEmbedBatches } from "./embed-batch-planner.ts";
import { checkTokenLimits, embedOptionsShape, embedStatsCollector, plannedTokens, runEmbedBatch } from "./embed-batch-runner.ts";
import type { EmbedOptions, EmbedStats } from "./embed-batch-runner.ts";
import type { FieldError } from "./form-field-types.ts";
import type { GenerationDeps } from "./generate-batch-service.ts";
import { parseOrThrow } from "./generation-input-error.ts";

/** Settings of embedTexts. */
export interface EmbedTextsOptions extends EmbedOptions {
  /** Most texts per request; default 10,000 (embedFile streams instead). */
  maxTexts?: number;
}

/** A text that got no vector, and why. */
export interface EmbedFailure extends FieldError {
  index: number;
}

/** Vectors in input order (null where that text failed), the failures, and the figures. */
export interface EmbedTextsResult {
  vectors: Array<number[] | null>;
  failures: EmbedFailure[];
  stats: EmbedStats;
}

function embedTextsSchema(maxTexts: number) {
  return z
    .object({
      texts: z
        .array(z.string("each text must be a string").refine((text) => text.trim() !== "", "text is empty"), "texts must be a list")
        .min(1, "texts must contain at least one text")
        .max(maxTexts, `texts may contain at most ${maxTexts} texts`),
      ...embedOptionsShape,
    })
    .superRefine(checkTokenLimits);
}

/**
 * Embeds texts in provider requests of at most `batchSize` inputs and `maxTokensPerRequest`
 * tokens, up to `maxConcurrent` requests at once. A text over `maxTokensPerInput` fails alone
 * (EMBED_INPUT_TOO_LONG); a failed request fails only its own texts. Throws
 * GenerationInputError for invalid input.
 */
export async function embedTexts(deps: GenerationDeps, texts: string[], options: EmbedTextsOptions = {}): Promise<EmbedTextsResult> {
  const now = deps.now ?? (() => performance.now());
  const stats = embedStatsCollector(now);
  const { maxTexts, ...rest } = options;
  const input = parseOrThrow(embedTextsSchema(maxTexts ?? 10_000), { ...rest, texts }, (path) =>
    path[0] === "texts" && typeof path[1] === "number" ? `texts[${path[1]}]` : undefined,
  );
  const items = input.texts.map((text, position) => ({ position, text, tokens: plannedTokens(text, input.maxTokensPerInput) }));
  const limiter = new Bottleneck({ maxConcurrent: input.maxConcurrent });
  const runs = await Promise.all(
    planEmbedBatches(items, input).map((batch) => limiter.schedule(() => runEmbedBatch(deps, batch, options))),
  );
  const vectors = new Array<number[] | null>(items.length).fill(null);
  const failures: EmbedFailure[] = [];
  for (const run of runs) {
    stats.add(run);
    for (const outcome of run.outcomes) {
      vectors[outcome.item.position] = outcome.vector;
      if (outcome.error) failures.push({ index: outcome.item.position, ...outcome.error });
    }
  }
  failures.sort((a, b) => a.index - b.index);
  return { vectors, failures, stats: stats.snapshot() };
}
