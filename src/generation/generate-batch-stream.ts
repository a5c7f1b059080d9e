import type { BatchSummary, FieldResponse } from "./form-field-types.ts";
import type { GenerateBatchInput } from "./form-batch-input.ts";
import { generateBatch } from "./generate-batch-service.ts";
import type { GenerateBatchOptions, GenerationDeps } from "./generate-batch-service.ts";

/** One event of a streamed batch: each field as it finishes, then the summary last. */
export type BatchEvent =
  | { kind: "field"; index: number; response: FieldResponse }
  | { kind: "summary"; summary: BatchSummary };

/**
 * generateBatch as an async iterator, the shape GraphQL subscriptions consume. When the
 * consumer stops early (the client unsubscribes or disconnects) outstanding calls are
 * aborted. Validation errors are thrown from the first next().
 */
export async function* streamGenerateBatch(
  deps: GenerationDeps,
  input: GenerateBatchInput,
  options: Omit<GenerateBatchOptions, "onFieldDone"> = {},
): AsyncGenerator<BatchEvent, void, undefined> {
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  const queue: BatchEvent[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let failure: { error: unknown } | undefined;
  const push = (event: BatchEvent) => {
    queue.push(event);
    wake?.();
  };
  const run = generateBatch(deps, input, {
    ...options,
    signal,
    onFieldDone: (index, response) => push({ kind: "field", index, response }),
  })
    .then(
      (result) => push({ kind: "summary", summary: result.summary }),
      (error: unknown) => {
        failure = { error };
      },
    )
    .finally(() => {
      finished = true;
      wake?.();
    });
  try {
    for (;;) {
      const event = queue.shift();
      if (event) {
        yield event;
        continue;
      }
      if (failure) throw failure.error;
      if (finished) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    controller.abort();
    await run;
  }
}
