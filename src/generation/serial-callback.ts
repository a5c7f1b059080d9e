/**
 * Calls an optional (possibly async) callback one invocation at a time, in call order, without
 * making the caller wait: a slow subscriber must not hold a model-call slot. The first error
 * the callback throws is kept and rethrown by drain(), after all work has finished.
 */
export interface SerialCallback<A extends unknown[]> {
  call(...args: A): void;
  /** Waits for every queued invocation; rethrows the first failure. */
  drain(): Promise<void>;
}

/** Wraps `callback` (or nothing) as a SerialCallback. */
export function serialCallback<A extends unknown[]>(
  callback: ((...args: A) => void | Promise<void>) | undefined,
): SerialCallback<A> {
  let chain: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | undefined;
  return {
    call(...args) {
      if (!callback) return;
      chain = chain
        .then(() => callback(...args))
        .catch((error: unknown) => {
          failure ??= { error };
        });
    },
    async drain() {
      await chain;
      if (failure) throw failure.error;
    },
  };
}
