import { GenerationInputError } from "../generation/index.ts";
import { estimatePromptCost } from "../providers/cost-estimate.ts";
import type { CostEstimate } from "../providers/cost-estimate.ts";
import { providerDefinition } from "../providers/provider-registry.ts";
import type { UsageGroup, UsageReport, UsageTotals } from "../providers/usage-service.ts";
import { USAGE_DIMENSIONS } from "../providers/usage-store.ts";
import { builder } from "./builder.ts";
import { BatchJobRef } from "./batch.ts";
import { EmbeddingJobRef } from "./embedding-job.ts";
import { withInputErrors } from "./generation-errors.ts";
import { LlmProviderEnum, PromptInputRef } from "./prompt-input.ts";

const UsageDimensionEnum = builder.enumType("UsageDimension", { values: USAGE_DIMENSIONS });

const ErrorCountRef = builder.objectRef<{ code: string; count: number }>("ErrorCount").implement({
  fields: (t) => ({ code: t.exposeString("code"), count: t.exposeInt("count") }),
});

export const UsageTotalsRef = builder.objectRef<UsageTotals>("UsageTotals").implement({
  description: "What a set of model calls consumed, summed from the call ledger.",
  fields: (t) => ({
    calls: t.exposeInt("calls", { description: "Ledger rows: provider calls, cache hits and failures." }),
    cachedCalls: t.exposeInt("cachedCalls", { description: "Calls answered by Quire's response cache (0 tokens, 0 cost)." }),
    failedCalls: t.exposeInt("failedCalls"),
    unpricedCalls: t.exposeInt("unpricedCalls", { description: "Calls of models missing from the price table (cost counted as 0)." }),
    inputTokens: t.exposeFloat("inputTokens"),
    outputTokens: t.exposeFloat("outputTokens"),
    cachedInputTokens: t.exposeFloat("cachedInputTokens"),
    costUsd: t.exposeFloat("costUsd"),
    errors: t.field({ type: [ErrorCountRef], description: "Failed calls per code, most frequent first.", resolve: (totals) => totals.errors }),
  }),
});

const UsageGroupRef = builder.objectRef<UsageGroup>("UsageGroup").implement({
  description: "Usage of one combination of the grouped dimensions; the dimensions not grouped by are null.",
  fields: (t) => ({
    totals: t.field({ type: UsageTotalsRef, resolve: (group) => group }),
    day: t.string({ nullable: true, description: "YYYY-MM-DD (UTC).", resolve: (group) => group.day }),
    model: t.string({ nullable: true, resolve: (group) => group.model }),
    provider: t.string({ nullable: true, resolve: (group) => group.provider }),
    purpose: t.string({ nullable: true, description: "What the calls served, e.g. generation.prompt, pipeline.summarize.", resolve: (group) => group.purpose }),
    batchId: t.string({
      nullable: true,
      description: "The batch of a pipeline call's document, otherwise the call's run, embedding job or prompt batch.",
      resolve: (group) => group.batchId,
    }),
  }),
});

const UsageReportRef = builder.objectRef<UsageReport>("UsageReport").implement({
  fields: (t) => ({
    from: t.field({ type: "DateTime", resolve: (report) => report.from }),
    to: t.field({ type: "DateTime", resolve: (report) => report.to }),
    total: t.field({ type: UsageTotalsRef, resolve: (report) => report.total }),
    groups: t.field({ type: [UsageGroupRef], resolve: (report) => report.groups }),
  }),
});

builder.queryField("usage", (t) =>
  t.field({
    type: UsageReportRef,
    description: "Your own model calls in [from, to) (default: the last 30 days, at most 366), summed from the call ledger and grouped.",
    args: {
      from: t.arg({ type: "DateTime" }),
      to: t.arg({ type: "DateTime" }),
      groupBy: t.arg({ type: [UsageDimensionEnum] }),
    },
    resolve: (_root, args, context) =>
      withInputErrors(() => context.services().usage.report(context.viewer().userId, { from: args.from, to: args.to, groupBy: args.groupBy })),
  }),
);

builder.objectField(BatchJobRef, "usage", (t) =>
  t.field({
    type: UsageTotalsRef,
    description: "What the model calls of this batch's documents consumed.",
    resolve: (batch, _args, context) => context.services().usage.ofBatch(batch.userId, batch.id),
  }),
);

builder.objectField(EmbeddingJobRef, "usage", (t) =>
  t.field({
    type: UsageTotalsRef,
    description: "What this job's embedding calls consumed.",
    resolve: (job, _args, context) => context.services().usage.ofSubject(job.userId, job.id),
  }),
);

const CostEstimateRef = builder.objectRef<CostEstimate>("CostEstimate").implement({
  description: "Upper bounds: input tokens counted locally, output at each prompt's cap.",
  fields: (t) => ({
    provider: t.exposeString("provider"),
    model: t.exposeString("model"),
    prompts: t.exposeInt("prompts"),
    inputTokens: t.exposeInt("inputTokens"),
    maxOutputTokens: t.exposeInt("maxOutputTokens"),
    priced: t.exposeBoolean("priced", { description: "False when the model is not in the price table (costs read 0)." }),
    inputCostUsd: t.exposeFloat("inputCostUsd"),
    maxCostUsd: t.exposeFloat("maxCostUsd"),
    maxBatchCostUsd: t.float({ nullable: true, description: "Through submitPromptBatch at batch prices; null without a batch API.", resolve: (estimate) => estimate.maxBatchCostUsd }),
  }),
});

builder.queryField("estimateCost", (t) =>
  t.field({
    type: CostEstimateRef,
    description: "What running these prompts would cost at most, in real time and through the provider's batch API. Makes no model call.",
    args: {
      prompts: t.arg({ type: [PromptInputRef], required: true }),
      provider: t.arg({ type: LlmProviderEnum }),
      model: t.arg.string(),
      defaultMaxTokens: t.arg.int({ defaultValue: 1024, description: "Output cap of prompts that set none." }),
    },
    resolve: (_root, args, context) =>
      withInputErrors(() => {
        context.viewer();
        if (args.prompts.length === 0 || args.prompts.length > 100_000) {
          throw new GenerationInputError([{ path: ["prompts"], message: "prompts must contain 1 to 100,000 prompts" }]);
        }
        const gateway = context.services().gateway;
        const target = gateway.resolveChat(args.provider ?? undefined, args.model ?? undefined);
        const batchAvailable = providerDefinition(target.provider).batchPriceFactor !== null;
        return Promise.resolve(estimatePromptCost(gateway.prices, { ...target, batchAvailable }, args.prompts, args.defaultMaxTokens ?? 1024));
      }),
  }),
);
