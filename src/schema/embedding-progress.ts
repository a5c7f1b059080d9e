import type { EmbeddingProgressMessage } from "../events/event-types.ts";
import { builder } from "./builder.ts";
import type { GraphQLContext } from "./context.ts";
import { EmbeddingJobRef } from "./embedding-job.ts";

const TERMINAL = new Set(["COMPLETED", "FAILED", "CANCELLED"]);

const EmbeddingProgressKind = builder.enumType("EmbeddingProgressKind", {
  description: "SNAPSHOT: the job when you subscribed. PROGRESS: more lines stored. FINISHED: the job ended (the last event).",
  values: ["SNAPSHOT", "PROGRESS", "FINISHED"] as const,
});

type ProgressEvent = EmbeddingProgressMessage & { kind: "SNAPSHOT" | "PROGRESS" | "FINISHED" };

const EmbeddingProgressEventRef = builder.objectRef<ProgressEvent>("EmbeddingProgressEvent").implement({
  fields: (t) => ({
    kind: t.field({ type: EmbeddingProgressKind, resolve: (event) => event.kind }),
    at: t.field({ type: "DateTime", resolve: (event) => new Date(event.at) }),
    processed: t.exposeInt("processed"),
    failed: t.exposeInt("failed"),
    total: t.int({ nullable: true, resolve: (event) => event.total ?? null }),
    // Re-read per event and per viewer: ownership is checked on every event, not only at subscribe.
    job: t.field({
      type: EmbeddingJobRef,
      resolve: (event, _args, context) => context.services().embeddingJobs.getJob(context.viewer().userId, event.jobId),
    }),
  }),
});

builder.subscriptionField("embeddingProgress", (t) =>
  t.field({
    type: EmbeddingProgressEventRef,
    description:
      "A snapshot of the job first, then progress as lines are stored (coalesced), then FINISHED; completes when the job has ended. Reconnecting gives a fresh snapshot.",
    args: { jobId: t.arg.id({ required: true }) },
    subscribe: (_root, { jobId }, context) => embeddingEvents(context, String(jobId)),
    resolve: (event) => event,
  }),
);

async function* embeddingEvents(context: GraphQLContext, jobId: string): AsyncGenerator<ProgressEvent> {
  const { userId } = context.viewer();
  const services = context.services();
  // Listen before reading the snapshot, so nothing between the two is missed.
  const subscription = services.events.subscribe("embedding", jobId);
  try {
    const job = await services.embeddingJobs.getJob(userId, jobId);
    const snapshot = { jobId, processed: job.processed, failed: job.failed, done: TERMINAL.has(job.status), at: new Date().toISOString() };
    yield { ...snapshot, ...(job.total === null ? {} : { total: job.total }), kind: "SNAPSHOT" };
    if (snapshot.done) return;
    for await (const message of subscription) {
      yield { ...message, kind: message.done ? "FINISHED" : "PROGRESS" };
      if (message.done) return;
    }
  } finally {
    await subscription.return?.();
  }
}
