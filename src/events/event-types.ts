import type { BatchStatus, CheckpointStatus, DocumentStatus, Stage } from "../generated/prisma/enums.ts";

/**
 * The typed event map behind live progress. Messages stay small (ids and counters, far below
 * PostgreSQL's 8000-byte NOTIFY limit): an event says what moved, and a subscriber that needs
 * the full picture re-reads it from the database.
 *
 * `stage` and `status` are the schema's own unions (type-only imports of the Prisma enums the
 * GraphQL enums are built from), so publishers and the subscription agree without casts.
 */

/** What happened to a batch or to one of its documents. */
export type BatchProgressKind =
  | "STAGE_STARTED"
  | "STAGE_COMPLETED"
  | "STAGE_FAILED"
  | "PAGE_PROGRESS"
  | "DOCUMENT_FINISHED"
  | "BATCH_STATUS"
  /** The batch's stored entity clusters and topics were brought up to date (or could not be). */
  | "RESEARCH_UPDATED"
  | "RESEARCH_FAILED";

/** Published on `batch:<batchId>`. */
export interface BatchProgressMessage {
  kind: BatchProgressKind;
  batchId: string;
  documentId?: string;
  stage?: Stage;
  pagesDone?: number;
  pagesTotal?: number;
  /** A stage's status (STAGE_*), a document's (DOCUMENT_FINISHED) or the batch's (BATCH_STATUS). */
  status?: CheckpointStatus | DocumentStatus | BatchStatus;
  /** ISO-8601 time at which the publisher observed the change. */
  at: string;
  /** Publisher's own counter, for clients that want to notice gaps. */
  seq?: number;
}

/** Published on `embedding:<jobId>`; `done` marks the last message of the job. */
export interface EmbeddingProgressMessage {
  jobId: string;
  processed: number;
  total?: number;
  failed: number;
  done: boolean;
  at: string;
}

/** Published on `promptBatch:<jobId>` whenever a prompt batch job's status or counts change. */
export interface PromptBatchProgressMessage {
  jobId: string;
  status: string;
  completed: number;
  failed: number;
  total: number;
  done: boolean;
  at: string;
}

/**
 * Routing key -> [id, message]. graphql-yoga's `createPubSub` joins key and id into the topic
 * (`batch:<batchId>`), which is what travels over PostgreSQL or Redis.
 */
export type EventPublishArgs = {
  batch: [batchId: string, message: BatchProgressMessage];
  embedding: [jobId: string, message: EmbeddingProgressMessage];
  promptBatch: [jobId: string, message: PromptBatchProgressMessage];
};

/** The routing keys of the event map: "batch" | "embedding". */
export type EventRoutingKey = keyof EventPublishArgs;

/** The message type carried under a routing key. */
export type EventMessage<K extends EventRoutingKey> = EventPublishArgs[K][1];

/** The wire topic for a routing key and id, exactly as createPubSub builds it. */
export function eventTopic(routingKey: EventRoutingKey, id: string): string {
  return `${routingKey}:${id}`;
}

/** A batch event as a publisher gives it: the bus's helper adds `batchId` and `at`. */
export type BatchEventInput = Omit<BatchProgressMessage, "batchId" | "at" | "seq">;
