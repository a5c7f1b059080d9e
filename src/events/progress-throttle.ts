/**
 * Per-key rate limit for progress updates ("at most once per interval per document").
 * Publishers use it before publishing PAGE_PROGRESS; each subscription uses one too, so a
 * subscriber is protected even from publishers that do not throttle.
 */
export interface ProgressThrottle {
  /** True when `key` may emit now, and records that it did; false when it emitted too recently. */
  tryAcquire(key: string): boolean;
  /** Milliseconds until `key` may emit again; 0 when it may emit now. Records nothing. */
  msUntilAllowed(key: string): number;
  /** Drops what is remembered about `key` (call it when the document finishes). */
  forget(key: string): void;
  /** How many keys are remembered; stays near the number of keys active within one interval. */
  readonly size: number;
}

/** Options for {@link createProgressThrottle}. */
export interface ProgressThrottleOptions {
  /** Monotonic clock in milliseconds; injected by tests. */
  now?: () => number;
}

// Past this many remembered keys, a sweep forgets those whose interval has passed (they behave
// exactly like unknown keys), so a caller that never calls forget() cannot leak. The next sweep
// waits until the map doubles, which keeps sweeping amortised O(1) per call.
const MIN_SWEEP_SIZE = 1024;

/**
 * Creates a throttle allowing each key one emission per `intervalMs` (100 ms = 10 per second).
 *
 * ```ts
 * const pageThrottle = createProgressThrottle(100);
 * if (pageThrottle.tryAcquire(documentId) || pagesDone === pagesTotal) bus.publish("batch", ...);
 * ```
 */
export function createProgressThrottle(
  intervalMs: number,
  options: ProgressThrottleOptions = {},
): ProgressThrottle {
  if (!(intervalMs >= 0)) throw new RangeError(`intervalMs must be >= 0, got ${intervalMs}`);
  const now = options.now ?? (() => performance.now());
  const lastEmittedAt = new Map<string, number>();
  let sweepAtSize = MIN_SWEEP_SIZE;

  function msUntilAllowed(key: string): number {
    const last = lastEmittedAt.get(key);
    if (last === undefined) return 0;
    return Math.max(0, last + intervalMs - now());
  }

  function sweep(at: number): void {
    for (const [key, last] of lastEmittedAt) {
      if (at - last >= intervalMs) lastEmittedAt.delete(key);
    }
    sweepAtSize = Math.max(MIN_SWEEP_SIZE, lastEmittedAt.size * 2);
  }

  return {
    tryAcquire(key) {
      if (msUntilAllowed(key) > 0) return false;
      const at = now();
      if (lastEmittedAt.size >= sweepAtSize) sweep(at);
      lastEmittedAt.set(key, at);
      return true;
    },
    msUntilAllowed,
    forget(key) {
      lastEmittedAt.delete(key);
    },
    get size() {
      return lastEmittedAt.size;
    },
  };
}
