import { notFound } from "../batches/batch-service.ts";
import type { PromptBatchProgressMessage } from "../events/event-types.ts";
import type { PromptBatchItem, PromptBatchJob } from "../generation/batch-api/prompt-batch-job-store.ts";
import { builder } from "./builder.ts";
import type { GraphQLContext } from "./context.ts";
import { CallErrorRef, withInputErrors } from "./generation-errors.ts";
import { LlmProviderEnum, PromptInputRef } from "./prompt-input.ts";
import { UsageTotalsRef } from "./usage.ts";

const PromptBatchStatusEnum = builder.enumType("PromptBatchStatus", {
  description: "SUBMITTING: uploading to the provider. RUNNING/CANCELLING: the provider is working. The rest are final.",
  values: ["SUBMITTING", "RUNNING", "CANCELLING", "COMPLETED", "FAILED", "CANCELLED", "EXPIRED"] as const,
});

const RequestCountsRef = builder.objectRef<PromptBatchJob>("PromptBatchRequestCounts").implement({
  fields: (t) => ({
    total: t.exposeInt("total"),
    completed: t.exposeInt("completed", { description: "Answered successfully (the provider's count while running)." }),
    failed: t.exposeInt("failed"),
  }),
});

const PromptBatchResultRef = builder.objectRef<PromptBatchItem>("PromptBatchItemResult").implement({
  fields: (t) => ({
    index: t.exposeInt("index", { description: "Position of the prompt in the request." }),
    prompt: t.exposeString("prompt"),
    success: t.boolean({ nullable: true, description: "Null while the provider has not answered.", resolve: (item) => item.success }),
    text: t.string({ nullable: true, resolve: (item) => item.text }),
    error: t.field({ type: CallErrorRef, nullable: true, resolve: (item) => (item.errorCode ? { code: item.errorCode, message: item.error ?? "" } : null) }),
    tokens: t.int({ resolve: (item) => item.inputTokens + item.outputTokens }),
    costUsd: t.exposeFloat("costUsd", { description: "At the provider's batch price." }),
  }),
});

const PromptBatchJobRef = builder.objectRef<PromptBatchJob>("PromptBatchJob").implement({
  description: "Prompts run through a provider's batch API (OpenAI Batch API or Anthropic Message Batches) at batch prices; durable across restarts.",
  fields: (t) => ({
    id: t.exposeID("id"),
    status: t.field({ type: PromptBatchStatusEnum, resolve: (job) => job.status }),
    provider: t.exposeString("provider"),
    model: t.exposeString("model"),
    requestCounts: t.field({ type: RequestCountsRef, resolve: (job) => job }),
    results: t.field({
      type: [PromptBatchResultRef],
      description: "In input order; first 1..1000 (default 100) from offset.",
      args: { first: t.arg.int({ defaultValue: 100 }), offset: t.arg.int({ defaultValue: 0 }) },
      resolve: (job, args, context) => context.services().promptBatches.results(job, args.first ?? 100, args.offset ?? 0),
    }),
    totalCostUsd: t.exposeFloat("totalCostUsd", { description: "At batch prices; final once the job has finished." }),
    error: t.field({ type: CallErrorRef, nullable: true, resolve: (job) => (job.errorCode ? { code: job.errorCode, message: job.error ?? "" } : null) }),
    usage: t.field({ type: UsageTotalsRef, resolve: (job, _args, context) => context.services().usage.ofSubject(job.userId, job.id) }),
    createdAt: t.field({ type: "DateTime", resolve: (job) => job.createdAt }),
    finishedAt: t.field({ type: "DateTime", nullable: true, resolve: (job) => job.finishedAt }),
  }),
});

async function ownJob(context: GraphQLContext, id: string): Promise<PromptBatchJob> {
  const job = await context.services().promptBatches.find(context.viewer().userId, id);
  if (!job) throw notFound("Prompt batch");
  return job;
}

builder.mutationField("submitPromptBatch", (t) =>
  t.field({
    type: PromptBatchJobRef,
    description: "Runs up to 50,000 prompts through the provider's batch API at batch prices (results within 24 h). Returns the job at once.",
    args: {
      prompts: t.arg({ type: [PromptInputRef], required: true }),
      provider: t.arg({ type: LlmProviderEnum }),
      model: t.arg.string(),
    },
    resolve: (_root, args, context) =>
      withInputErrors(() => context.services().promptBatches.submit(context.viewer().userId, args.prompts, { provider: args.provider, model: args.model })),
  }),
);

builder.queryField("promptBatchJob", (t) =>
  t.field({
    type: PromptBatchJobRef,
    description: "One of your prompt batches; NOT_FOUND for unknown ids and other users' jobs alike.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => ownJob(context, String(id)),
  }),
);

builder.queryField("promptBatchJobs", (t) =>
  t.field({
    type: [PromptBatchJobRef],
    description: "Your prompt batches, newest first.",
    args: { first: t.arg.int({ defaultValue: 20 }), offset: t.arg.int({ defaultValue: 0 }) },
    resolve: (_root, args, context) => context.services().promptBatches.list(context.viewer().userId, args.first ?? 20, args.offset ?? 0),
  }),
);

builder.mutationField("cancelPromptBatch", (t) =>
  t.field({
    type: PromptBatchJobRef,
    description: "Asks the provider to stop the batch; prompts answered before keep their results, the rest end CANCELLED.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, context) => {
      const job = await context.services().promptBatches.cancel(context.viewer().userId, String(id));
      if (!job) throw notFound("Prompt batch");
      return job;
    },
  }),
);

const PromptBatchProgressRef = builder.objectRef<PromptBatchProgressMessage>("PromptBatchProgress").implement({
  fields: (t) => ({
    status: t.field({ type: PromptBatchStatusEnum, resolve: (event) => event.status as PromptBatchJob["status"] }),
    completed: t.exposeInt("completed"),
    failed: t.exposeInt("failed"),
    total: t.exposeInt("total"),
    done: t.exposeBoolean("done"),
    // Re-read per event and per viewer: ownership is checked on every event.
    job: t.field({ type: PromptBatchJobRef, resolve: (event, _args, context) => ownJob(context, event.jobId) }),
  }),
});

builder.subscriptionField("promptBatchProgress", (t) =>
  t.field({
    type: PromptBatchProgressRef,
    description: "The job now, then each change of status or counts; completes after the final status.",
    args: { id: t.arg.id({ required: true }) },
    subscribe: (_root, { id }, context) => progressEvents(context, String(id)),
    resolve: (event) => event,
  }),
);

async function* progressEvents(context: GraphQLContext, jobId: string): AsyncGenerator<PromptBatchProgressMessage> {
  const services = context.services();
  // Listen before reading the snapshot, so nothing between the two is missed.
  const subscription = services.events.subscribe("promptBatch", jobId);
  try {
    const job = await ownJob(context, jobId);
    const done = ["COMPLETED", "FAILED", "CANCELLED", "EXPIRED"].includes(job.status);
    yield { jobId, status: job.status, completed: job.completed, failed: job.failed, total: job.total, done, at: new Date().toISOString() };
    if (done) return;
    for await (const message of subscription) {
      yield message;
      if (message.done) return;
    }
  } finally {
    await subscription.return?.();
  }
}
