import type { BatchProgressMessage } from "../events/event-types.ts";
import type { BatchJob } from "../generated/prisma/client.ts";
import { builder } from "./builder.ts";
import type { GraphQLContext } from "./context.ts";
import { BatchJobRef } from "./batch.ts";
import { DocumentJobRef } from "./document.ts";
import { StageEnum } from "./pipeline-enums.ts";

const TERMINAL = new Set(["COMPLETED", "PARTIAL", "FAILED", "CANCELLED"]);

const ProgressKind = builder.enumType("BatchProgressKind", {
  values: ["SNAPSHOT", "STAGE_STARTED", "STAGE_COMPLETED", "STAGE_FAILED", "PAGE_PROGRESS", "DOCUMENT_FINISHED", "BATCH_STATUS", "RESEARCH_UPDATED", "RESEARCH_FAILED"] as const,
});

/** An event as one subscriber sees it, with the batch read for that event under its viewer. */
type ProgressMessage = Omit<BatchProgressMessage, "kind"> & { kind: BatchProgressMessage["kind"] | "SNAPSHOT"; visibleBatch: BatchJob };

const BatchProgressEvent = builder.objectRef<ProgressMessage>("BatchProgressEvent").implement({
  description: "A change to a batch, with the batch's current state (and the document concerned).",
  fields: (t) => ({
    kind: t.field({ type: ProgressKind, resolve: (event) => event.kind }),
    at: t.field({ type: "DateTime", resolve: (event) => new Date(event.at) }),
    stage: t.field({ type: StageEnum, nullable: true, resolve: (event) => event.stage ?? null }),
    pagesDone: t.int({ nullable: true, resolve: (event) => event.pagesDone ?? null }),
    pagesTotal: t.int({ nullable: true, resolve: (event) => event.pagesTotal ?? null }),
    // Re-read per event and per viewer by batchEvents, which checks ownership on every event.
    batch: t.field({ type: BatchJobRef, resolve: (event) => event.visibleBatch }),
    document: t.field({
      type: DocumentJobRef,
      nullable: true,
      resolve: (event, _args, context) =>
        event.documentId ? context.services().batches.findDocument(context.viewer().userId, event.documentId) : null,
    }),
  }),
});

builder.subscriptionField("batchProgress", (t) =>
  t.field({
    type: BatchProgressEvent,
    description:
      "A snapshot of the batch first, then one event per change; completes when the batch reaches a terminal status. Reconnecting gives a fresh snapshot.",
    args: { batchId: t.arg.id({ required: true }) },
    subscribe: (_root, { batchId }, context) => batchEvents(context, String(batchId)),
    resolve: (event) => event,
  }),
);

async function* batchEvents(context: GraphQLContext, batchId: string): AsyncGenerator<ProgressMessage> {
  const { userId } = context.viewer();
  const services = context.services();
  // Listen before reading the snapshot, so nothing between the two is missed.
  const subscription = services.events.subscribe("batch", batchId);
  try {
    const batch = await services.batches.getBatch(userId, batchId);
    yield { kind: "SNAPSHOT", batchId, at: new Date().toISOString(), status: batch.status, visibleBatch: batch };
    if (TERMINAL.has(batch.status)) return;
    for await (const message of subscription) {
      // Ownership is checked on every event, whatever the client selected: access that
      // disappears ends the stream with the NOT_FOUND an unknown id gets, before any data.
      yield { ...message, visibleBatch: await services.batches.getBatch(userId, batchId) };
      if (message.kind === "BATCH_STATUS" && message.status && TERMINAL.has(message.status)) return;
    }
  } finally {
    await subscription.return?.();
  }
}
