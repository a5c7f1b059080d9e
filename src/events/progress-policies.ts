import type {
  BatchProgressMessage,
  EmbeddingProgressMessage,
  EventMessage,
  EventRoutingKey,
  GenerationProgressMessage,
  PromptBatchProgressMessage,
} from "./event-types.ts";

/**
 * How a subscription treats one message:
 * - `coalesce: true`: progress that a later message with the same `key` fully supersedes, so
 *   only the latest needs delivering (and it is rate limited per key);
 * - `coalesce: false`: a stage or terminal event, always delivered, in order. `supersedes`
 *   names the progress it makes stale (one key, all of the topic's progress, or none), which a
 *   subscription then drops instead of delivering it after this event.
 */
export type ProgressClass =
  | { coalesce: true; key: string }
  | { coalesce: false; supersedes: "none" | "all" | { key: string } };

/** Classifies the messages of one topic for a coalescing subscription. */
export type ProgressPolicy<T> = (message: T) => ProgressClass;

function classifyBatch(message: BatchProgressMessage): ProgressClass {
  const documentId = message.documentId;
  if (message.kind === "PAGE_PROGRESS") return { coalesce: true, key: documentId ?? "" };
  return { coalesce: false, supersedes: documentId === undefined ? "all" : { key: documentId } };
}

function classifyEmbedding(message: EmbeddingProgressMessage): ProgressClass {
  return message.done ? { coalesce: false, supersedes: "all" } : { coalesce: true, key: message.jobId };
}

function classifyGeneration(message: GenerationProgressMessage): ProgressClass {
  // Each finished field is its own fact; only the running summary is superseded by the next.
  if (message.kind === "FIELD_FINISHED") return { coalesce: false, supersedes: "none" };
  return message.done ? { coalesce: false, supersedes: "all" } : { coalesce: true, key: "summary" };
}

function classifyPromptBatch(message: PromptBatchProgressMessage): ProgressClass {
  return message.done ? { coalesce: false, supersedes: "all" } : { coalesce: true, key: message.jobId };
}

const policies: { [K in EventRoutingKey]: ProgressPolicy<EventMessage<K>> } = {
  batch: classifyBatch,
  embedding: classifyEmbedding,
  generation: classifyGeneration,
  promptBatch: classifyPromptBatch,
};

/** The coalescing policy for a routing key of the event map. */
export function progressPolicyFor<K extends EventRoutingKey>(routingKey: K): ProgressPolicy<EventMessage<K>> {
  return policies[routingKey];
}
