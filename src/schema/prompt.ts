import { randomUUID } from "node:crypto";
import { generatePrompts } from "../generation/index.ts";
import type { PromptBatchResult, PromptBatchSummary, PromptResult, PromptSpec } from "../generation/index.ts";
import type { ProviderName } from "../providers/provider-types.ts";
import { builder } from "./builder.ts";
import type { GraphQLContext } from "./context.ts";
import { CallErrorRef, withInputErrors } from "./generation-errors.ts";
import { LlmProviderEnum, promptArgs, promptSpecsOf } from "./prompt-input.ts";

export const PromptResultRef = builder.objectRef<PromptResult>("PromptResult").implement({
  fields: (t) => ({
    index: t.exposeInt("index", { description: "Position of the prompt in the request." }),
    prompt: t.exposeString("prompt"),
    provider: t.field({ type: LlmProviderEnum, nullable: true, description: "The provider that answered.", resolve: (result) => result.provider }),
    model: t.string({ nullable: true, description: "The model that answered.", resolve: (result) => result.model }),
    success: t.exposeBoolean("success"),
    text: t.string({ nullable: true, resolve: (result) => result.text }),
    error: t.field({ type: CallErrorRef, nullable: true, resolve: (result) => result.error }),
    tokens: t.exposeInt("tokens"),
    latencyMs: t.exposeFloat("latencyMs"),
    costUsd: t.exposeFloat("costUsd"),
    cached: t.exposeBoolean("cached"),
  }),
});

export const PromptBatchSummaryRef = builder.objectRef<PromptBatchSummary>("PromptBatchSummary").implement({
  fields: (t) => ({
    total: t.exposeInt("total"),
    succeeded: t.exposeInt("succeeded"),
    failed: t.exposeInt("failed"),
    cachedCount: t.exposeInt("cachedCount"),
    totalTokens: t.exposeInt("totalTokens"),
    totalCostUsd: t.exposeFloat("totalCostUsd"),
    totalTimeMs: t.exposeFloat("totalTimeMs"),
  }),
});

const PromptBatchResultRef = builder.objectRef<PromptBatchResult>("PromptBatchResult").implement({
  fields: (t) => ({
    results: t.field({ type: [PromptResultRef], description: "In input order.", resolve: (batch) => batch.results }),
    summary: t.field({ type: PromptBatchSummaryRef, resolve: (batch) => batch.summary }),
  }),
});

/** What generatePrompts and generatePromptsLive pass to the service. */
export function promptRun(
  context: GraphQLContext,
  args: { prompts?: readonly string[] | null; inputs?: readonly PromptSpec[] | null; model?: string | null; provider?: ProviderName | null; maxConcurrent?: number | null },
) {
  return {
    deps: { gateway: context.services().gateway, logger: context.logger },
    prompts: promptSpecsOf(args.prompts, args.inputs),
    options: {
      model: args.model ?? undefined,
      provider: args.provider ?? undefined,
      maxConcurrent: args.maxConcurrent ?? undefined,
      userId: context.viewer().userId,
      subjectId: randomUUID(),
    },
  };
}

builder.mutationField("generatePrompts", (t) =>
  t.field({
    type: PromptBatchResultRef,
    description:
      "Runs independent prompts (at most 100, from `prompts` and `inputs`), at most maxConcurrent (1..50) at once. A failed prompt is reported in its result; the batch still succeeds.",
    args: promptArgs,
    resolve: (_root, args, context) =>
      withInputErrors(() => {
        const run = promptRun(context, args);
        return generatePrompts(run.deps, run.prompts, run.options);
      }),
  }),
);
