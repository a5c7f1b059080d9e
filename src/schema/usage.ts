import { GenerationInputError } from "../generation/index.ts";
import type { EstimateSubject } from "../estimates/cost-estimate-service.ts";
import type { CostEstimate, CostEstimatePart } from "../providers/cost-estimate.ts";
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

const CostEstimatePartRef = builder.objectRef<CostEstimatePart>("CostEstimatePart").implement({
  description: "One purpose's share of an estimate, with the provider and model that would serve it.",
  fields: (t) => ({
    purpose: t.exposeString("purpose", { description: "generation.prompt, pipeline.parse, pipeline.summarize or pipeline.embed." }),
    provider: t.exposeString("provider"),
    model: t.exposeString("model"),
    calls: t.exposeInt("calls"),
    inputTokens: t.exposeInt("inputTokens"),
    maxOutputTokens: t.exposeInt("maxOutputTokens"),
    priced: t.exposeBoolean("priced"),
    inputCostUsd: t.exposeFloat("inputCostUsd"),
    maxCostUsd: t.exposeFloat("maxCostUsd"),
  }),
});

const CostEstimateRef = builder.objectRef<CostEstimate>("CostEstimate").implement({
  description: "Upper bounds: input tokens counted locally, output at each call's cap.",
  fields: (t) => ({
    provider: t.exposeString("provider"),
    model: t.exposeString("model"),
    prompts: t.exposeInt("prompts", { description: "Prompts estimated (0 for a pipeline run)." }),
    documents: t.exposeInt("documents", { description: "Documents of a pipeline run (0 for prompts)." }),
    pages: t.exposeInt("pages", { description: "Pages of a pipeline run (0 for prompts)." }),
    calls: t.exposeInt("calls", { description: "Model calls, embedding requests included." }),
    parts: t.field({ type: [CostEstimatePartRef], description: "The estimate per purpose.", resolve: (estimate) => estimate.parts }),
    inputTokens: t.exposeInt("inputTokens"),
    maxOutputTokens: t.exposeInt("maxOutputTokens"),
    priced: t.exposeBoolean("priced", { description: "False when a model is not in the price table (its costs read 0)." }),
    inputCostUsd: t.exposeFloat("inputCostUsd"),
    maxCostUsd: t.exposeFloat("maxCostUsd"),
    maxBatchCostUsd: t.float({
      nullable: true,
      description: "Prompts through submitPromptBatch at batch prices; null without a batch API and for pipeline runs.",
      resolve: (estimate) => estimate.maxBatchCostUsd,
    }),
  }),
});

const DocumentEstimateInput = builder.inputType("DocumentEstimateInput", {
  description: "A document to estimate a pipeline run for: its pages and, when known, its text size and rendered page size.",
  fields: (t) => ({
    pages: t.int({ required: true }),
    textTokens: t.int({ description: "Tokens of the whole text; unknown: 600 per page." }),
    widthPx: t.int({ description: "Rendered page width in pixels; unknown: Letter at 150 dpi." }),
    heightPx: t.int(),
  }),
});

builder.queryField("estimateCost", (t) =>
  t.field({
    type: CostEstimateRef,
    description:
      "What running these prompts (in real time and through the provider's batch API), or a pipeline run of these documents or of an uploaded batch, would cost at most with a model. Give exactly one of prompts, documents and batchId. Makes no model call.",
    args: {
      prompts: t.arg({ type: [PromptInputRef] }),
      documents: t.arg({ type: [DocumentEstimateInput], description: "Documents described by their page counts and text size." }),
      batchId: t.arg.id({ description: "An uploaded batch of yours: page counts and text as its stages stored them." }),
      provider: t.arg({ type: LlmProviderEnum }),
      model: t.arg.string(),
      defaultMaxTokens: t.arg.int({ defaultValue: 1024, description: "Output cap of prompts that set none." }),
    },
    resolve: (_root, args, context) =>
      withInputErrors(() => {
        const { userId } = context.viewer();
        const given = [args.prompts, args.documents, args.batchId].filter((value) => value != null).length;
        if (given !== 1) throw new GenerationInputError([{ path: [], message: "give exactly one of prompts, documents and batchId" }]);
        const subject: EstimateSubject = args.prompts
          ? { kind: "prompts", prompts: args.prompts, defaultMaxTokens: args.defaultMaxTokens ?? 1024 }
          : args.documents
            ? { kind: "documents", documents: args.documents }
            : { kind: "batch", userId, batchId: String(args.batchId) };
        return context.services().costEstimates.estimate(subject, { provider: args.provider, model: args.model });
      }),
  }),
);
