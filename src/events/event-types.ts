/**
 * The typed event map behind live progress. Messages stay small (ids and counters, far below
 * PostgreSQL's 8000-byte NOTIFY limit): an event says what moved, and a subscriber that needs
 * the full picture re-reads it from the database.
 *
 * `stage` and `status` are plain strings on purpose: the events layer must not depend on the
 * generated Prisma client; publishers pass the Prisma enum values (`Stage`, `BatchStatus`, ...).
 */

/** What happened to a batch or to one of its documents. */
export type BatchProgressKind =
  | "STAGE_STARTED"
  | "STAGE_COMPLETED"
  | "STAGE_FAILED"
  | "PAGE_PROGRESS"
  | "DOCUMENT_FINISHED"
  | "BATCH_STATUS";

/** Published on `batch:<batchId>`. */
export interface BatchProgressMessage {
  kind: BatchProgressKind;
  batchId: string;
  documentId?: string;
  stage?: string;
  pagesDone?: number;
  pagesTotal?: number;
  status?: string;
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

/** Published on `generation:<runId>`: one field finished, or the run's running totals. */
export type GenerationProgressMessage =
  | {
      kind: "FIELD_FINISHED";
      runId: string;
      fieldId: string;
      documentId?: string;
      status: "SUCCEEDED" | "FAILED";
      at: string;
    }
  | {
      kind: "RUN_SUMMARY";
      runId: string;
      fieldsDone: number;
      fieldsFailed: number;
      fieldsTotal: number;
      done: boolean;
      at: string;
    };

/**
 * Routing key -> [id, message]. graphql-yoga's `createPubSub` joins key and id into the topic
 * (`batch:<batchId>`), which is what travels over PostgreSQL or Redis.
 */
export type EventPublishArgs = {
  batch: [batchId: string, message: BatchProgressMessage];
  embedding: [jobId: string, message: EmbeddingProgressMessage];
  generation: [runId: string, message: GenerationProgressMessage];
  promptBatch: [jobId: string, message: PromptBatchProgressMessage];
};

/** The routing keys of the event map: "batch" | "embedding" | "generation". */
export type EventRoutingKey = keyof EventPublishArgs;

/** The message type carried under a routing key. */
export type EventMessage<K extends EventRoutingKey> = EventPublishArgs[K][1];

/** The wire topic for a routing key and id, exactly as createPubSub builds it. */
export function eventTopic(routingKey: EventRoutingKey, id: string): string {
  return `${routingKey}:${id}`;
}
