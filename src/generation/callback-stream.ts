/** An async iterator whose `return()` stops it at once, even while a `next()` is waiting. */
export type StoppableStream<E> = AsyncIterableIterator<E, void, undefined> & {
  return(): Promise<IteratorReturnResult<void>>;
};

/**
 * Turns a run that reports through a callback (`emit`) into an async iterator, the shape
 * GraphQL subscriptions consume: each emitted event, then `last(result)` when the run resolves.
 * When the consumer stops early (unsubscribe, disconnect) the run's signal aborts; an error of
 * the run is thrown from next() (validation errors therefore come from the first next()).
 *
 * Not an async generator on purpose: a generator's return() waits until its pending next()
 * settles, i.e. until the next item finishes, so an unsubscribe while every slot is busy
 * would keep paying for calls nobody reads. Here return() aborts at once.
 */
export function callbackStream<E, R>(
  start: (emit: (event: E) => void, signal: AbortSignal) => Promise<R>,
  last: (result: R) => E,
  outerSignal?: AbortSignal,
): StoppableStream<E> {
  const controller = new AbortController();
  const signal = outerSignal ? AbortSignal.any([outerSignal, controller.signal]) : controller.signal;
  const queue: E[] = [];
  let changed = Promise.withResolvers<void>();
  const notify = () => {
    changed.resolve();
    changed = Promise.withResolvers<void>();
  };
  let state: "running" | "finished" | "closed" = "running";
  let failure: { error: unknown } | undefined;
  const push = (event: E) => {
    queue.push(event);
    notify();
  };
  const run = start(push, signal)
    .then(
      (result) => push(last(result)),
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
  const stream: StoppableStream<E> = {
    async next(): Promise<IteratorResult<E, void>> {
      for (;;) {
        if (state === "closed") return { done: true, value: undefined };
        const event = queue.shift();
        if (event !== undefined) return { done: false, value: event };
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
