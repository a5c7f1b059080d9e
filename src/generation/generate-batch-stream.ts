import type { BatchSummary, FieldResponse } from "./form-field-types.ts";
import type { GenerateBatchInput } from "./form-batch-input.ts";
import { generateBatch } from "./generate-batch-service.ts";
import type { GenerateBatchOptions, GenerationDeps } from "./generate-batch-service.ts";

/** One event of a streamed batch: each field as it finishes, then the summary last. */
export type BatchEvent =
  | { kind: "field"; index: number; response: FieldResponse }
  | { kind: "summary"; summary: BatchSummary };

/** The stream's iterator; `return()` stops it at once, even while a `next()` is waiting. */
export type BatchEventStream = AsyncIterableIterator<BatchEvent, void, undefined> & {
  return(): Promise<IteratorReturnResult<void>>;
};

/**
 * generateBatch as an async iterator, the shape GraphQL subscriptions consume. When the
 * consumer stops early (the client unsubscribes or disconnects) outstanding calls are
 * aborted. Validation errors are thrown from the first next().
 *
 * Not an async generator on purpose: a generator's return() waits until its pending next()
 * settles, i.e. until the next field finishes, so an unsubscribe while every slot is busy
 * would keep paying for calls nobody reads. Here return() aborts at once.
 */
export function streamGenerateBatch(
  deps: GenerationDeps,
  input: GenerateBatchInput,
  options: Omit<GenerateBatchOptions, "onFieldDone"> = {},
): BatchEventStream {
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  const queue: BatchEvent[] = [];
  let changed = Promise.withResolvers<void>();
  const notify = () => {
    changed.resolve();
    changed = Promise.withResolvers<void>();
  };
  let state: "running" | "finished" | "closed" = "running";
  let failure: { error: unknown } | undefined;
  const push = (event: BatchEvent) => {
    queue.push(event);
    notify();
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
      if (state === "running") state = "finished";
      notify();
    });

  const close = async (): Promise<IteratorReturnResult<void>> => {
    if (state !== "closed") {
      state = "closed";
      queue.length = 0;
      controller.abort();
      notify();
    }
    await run;
    return { done: true, value: undefined };
  };
  const stream: BatchEventStream = {
    async next(): Promise<IteratorResult<BatchEvent, void>> {
      for (;;) {
        if (state === "closed") return { done: true, value: undefined };
        const event = queue.shift();
        if (event) return { done: false, value: event };
        if (failure) {
          const { error } = failure;
          await close();
          throw error;
        }
        if (state === "finished") return close();
        await changed.promise;
      }
    },
    return: close,
    async throw(error: unknown): Promise<never> {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}
