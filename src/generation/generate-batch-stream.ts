import { callbackStream } from "./callback-stream.ts";
import type { StoppableStream } from "./callback-stream.ts";
import type { BatchSummary, FieldResponse } from "./form-field-types.ts";
import type { GenerateBatchInput } from "./form-batch-input.ts";
import { generateBatch } from "./generate-batch-service.ts";
import type { GenerateBatchOptions, GenerationDeps } from "./generate-batch-service.ts";

/** One event of a streamed batch: each field as it finishes, then the summary last. */
export type BatchEvent =
  | { kind: "field"; index: number; response: FieldResponse }
  | { kind: "summary"; summary: BatchSummary };

/** The stream's iterator; `return()` stops it at once, even while a `next()` is waiting. */
export type BatchEventStream = StoppableStream<BatchEvent>;

/**
 * generateBatch as an async iterator (see callbackStream): each field as it finishes, then the
 * summary. Unsubscribing aborts the outstanding calls.
 */
export function streamGenerateBatch(
  deps: GenerationDeps,
  input: GenerateBatchInput,
  options: Omit<GenerateBatchOptions, "onFieldDone"> = {},
): BatchEventStream {
  return callbackStream<BatchEvent, Awaited<ReturnType<typeof generateBatch>>>(
    (emit, signal) =>
      generateBatch(deps, input, { ...options, signal, onFieldDone: (index, response) => emit({ kind: "field", index, response }) }),
    (result) => ({ kind: "summary", summary: result.summary }),
    options.signal,
  );
}
