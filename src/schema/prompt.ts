import { randomUUID } from "node:crypto";
import { generatePrompts } from "../generation/index.ts";
import type { PromptBatchResult, PromptBatchSummary, PromptResult } from "../generation/index.ts";
import { builder } from "./builder.ts";
import { CallErrorRef, withInputErrors } from "./generation-errors.ts";

const PromptResultRef = builder.objectRef<PromptResult>("PromptResult").implement({
  fields: (t) => ({
    index: t.exposeInt("index", { description: "Position of the prompt in the request." }),
    prompt: t.exposeString("prompt"),
    success: t.exposeBoolean("success"),
    text: t.string({ nullable: true, resolve: (result) => result.text }),
    error: t.field({ type: CallErrorRef, nullable: true, resolve: (result) => result.error }),
    tokens: t.exposeInt("tokens"),
    latencyMs: t.exposeFloat("latencyMs"),
    costUsd: t.exposeFloat("costUsd"),
    cached: t.exposeBoolean("cached"),
  }),
});

const PromptBatchSummaryRef = builder.objectRef<PromptBatchSummary>("PromptBatchSummary").implement({
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

builder.mutationField("generatePrompts", (t) =>
  t.field({
    type: PromptBatchResultRef,
    description:
      "Runs independent prompts (at most 100), at most maxConcurrent (1..50) at once. A failed prompt is reported in its result; the batch still succeeds.",
    args: {
      prompts: t.arg.stringList({ required: true }),
      model: t.arg.string({ description: "Overrides LLM_MODEL." }),
      maxConcurrent: t.arg.int({ defaultValue: 5 }),
    },
    resolve: (_root, args, context) =>
      withInputErrors(() =>
        generatePrompts({ gateway: context.services().gateway, logger: context.logger }, args.prompts, {
          model: args.model ?? undefined,
          maxConcurrent: args.maxConcurrent ?? undefined,
          userId: context.viewer().userId,
          subjectId: randomUUID(),
        }),
      ),
  }),
);
