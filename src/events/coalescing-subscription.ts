import { SubscriberOverflowError } from "./event-errors.ts";
import type { ProgressPolicy } from "./progress-policies.ts";
import { createProgressThrottle } from "./progress-throttle.ts";

/** Options for {@link createCoalescingSubscription}. */
export interface CoalescingSubscriptionOptions<T> {
  /**
   * Registers `deliver` as the topic's listener and returns the function that unregisters it.
   * Called once, synchronously, so nothing published after the subscription exists is missed.
   */
  attach: (deliver: (message: T) => void) => () => void;
  /** Tells progress (coalesced, throttled) from stage and terminal events (always delivered). */
  policy: ProgressPolicy<T>;
  /** Minimum milliseconds between two deliveries of one progress key. Default 100 (10/s). */
  progressIntervalMs?: number;
  /**
   * Most messages that may wait for the consumer. Coalescing keeps progress to one message per
   * key, so only a consumer stalled across many stage events reaches it; the subscription then
   * fails with SubscriberOverflowError (code SUBSCRIBER_TOO_SLOW). Default 1000.
   */
  maxBuffered?: number;
  /** Called once when the subscription ends for any reason (the bus forgets it then). */
  onEnd?: () => void;
  /** Monotonic clock in milliseconds; injected by tests. */
  now?: () => number;
}

/** A subscriber's async iterator with bounded memory, whatever pace its consumer reads at. */
export interface CoalescingSubscription<T> extends AsyncIterableIterator<T, undefined> {
  /** Messages waiting for the consumer (queued plus held back by the throttle). */
  readonly bufferedCount: number;
  /** Unsubscribes and releases everything buffered. GraphQL calls it when a client leaves. */
  return(): Promise<IteratorReturnResult<undefined>>;
}

interface Waiter<T> {
  resolve: (result: IteratorResult<T, undefined>) => void;
  reject: (error: Error) => void;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };
// Queue ids: progress is filed under its key, so a newer message replaces the waiting one.
const PROGRESS_PREFIX = "p:";
const EVENT_PREFIX = "e:";

/**
 * Wraps one subscriber's feed so a slow or stalled consumer costs bounded memory:
 * - progress for the same key (PAGE_PROGRESS of one document) is coalesced: while the consumer
 *   is behind, only the latest waits, and it moves behind everything that arrived before it;
 * - progress of one key is delivered at most once per `progressIntervalMs`; the newest held-back
 *   message is delivered when the interval ends (trailing edge), unless a later stage or
 *   terminal event supersedes it, in which case it is dropped so order is never inverted;
 * - stage and terminal events are never dropped and keep their order.
 * Messages are buffered as they arrive (not pulled lazily), so the transport never backs up.
 */
export function createCoalescingSubscription<T>(
  options: CoalescingSubscriptionOptions<T>,
): CoalescingSubscription<T> {
  const { policy, onEnd } = options;
  const now = options.now ?? (() => performance.now());
  const maxBuffered = options.maxBuffered ?? 1000;
  const throttle = createProgressThrottle(options.progressIntervalMs ?? 100, { now });

  // Map keeps insertion order and deletes in O(1): it is the FIFO, and delete-then-set moves a
  // coalesced progress message to the back.
  const queue = new Map<string, T>();
  const held = new Map<string, T>();
  const waiters: Waiter<T>[] = [];
  let eventCount = 0;
  let state: "open" | "ended" = "open";
  // An overflow not yet reported: the next next() rejects with it once.
  let failure: Error | undefined;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let flushDueAt = Infinity;

  const detach = options.attach(deliver);

  function deliver(message: T): void {
    if (state !== "open") return;
    const kind = policy(message);
    if (kind.coalesce) {
      const id = PROGRESS_PREFIX + kind.key;
      if (queue.has(id) || held.has(kind.key)) {
        // Already waiting: replace it (queue entries move to the back, keeping arrival order).
        if (queue.delete(id)) queue.set(id, message);
        else held.set(kind.key, message);
        return;
      }
      const wait = throttle.msUntilAllowed(kind.key);
      if (wait > 0) {
        held.set(kind.key, message);
        scheduleFlush(wait);
        enforceBound();
      } else {
        enqueue(id, message);
      }
      return;
    }
    // Held progress would otherwise be delivered after this event, which supersedes it.
    if (kind.supersedes === "all") held.clear();
    else if (kind.supersedes !== "none") held.delete(kind.supersedes.key);
    eventCount += 1;
    enqueue(EVENT_PREFIX + eventCount, message);
  }

  function enqueue(id: string, message: T): void {
    const waiter = waiters.shift();
    if (waiter !== undefined) {
      // A waiting consumer implies an empty queue, so handing over directly keeps order.
      markDelivered(id);
      waiter.resolve({ done: false, value: message });
      return;
    }
    queue.set(id, message);
    enforceBound();
  }

  function markDelivered(id: string): void {
    if (id.startsWith(PROGRESS_PREFIX)) throttle.tryAcquire(id.slice(PROGRESS_PREFIX.length));
  }

  function enforceBound(): void {
    if (queue.size + held.size > maxBuffered) fail(new SubscriberOverflowError(maxBuffered));
  }

  function scheduleFlush(wait: number): void {
    const dueAt = now() + wait;
    if (dueAt >= flushDueAt) return;
    clearTimeout(flushTimer);
    flushDueAt = dueAt;
    flushTimer = setTimeout(flushHeld, wait);
  }

  function flushHeld(): void {
    flushTimer = undefined;
    flushDueAt = Infinity;
    let nextWait = Infinity;
    for (const [key, message] of held) {
      const wait = throttle.msUntilAllowed(key);
      if (wait > 0) {
        nextWait = Math.min(nextWait, wait);
        continue;
      }
      held.delete(key);
      enqueue(PROGRESS_PREFIX + key, message);
      if (state !== "open") return;
    }
    if (nextWait !== Infinity) scheduleFlush(nextWait);
  }

  function release(): void {
    detach();
    clearTimeout(flushTimer);
    flushTimer = undefined;
    queue.clear();
    held.clear();
    onEnd?.();
  }

  function fail(error: Error): void {
    state = "ended";
    release();
    const pending = waiters.splice(0);
    if (pending.length === 0) failure = error;
    for (const waiter of pending) waiter.reject(error);
  }

  return {
    next() {
      const first = queue.entries().next();
      if (!first.done) {
        const [id, message] = first.value;
        queue.delete(id);
        markDelivered(id);
        return Promise.resolve({ done: false, value: message });
      }
      if (failure !== undefined) {
        const error = failure;
        failure = undefined;
        return Promise.reject(error);
      }
      if (state === "ended") return Promise.resolve(DONE);
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
    return() {
      if (state === "open") release();
      state = "ended";
      failure = undefined;
      for (const waiter of waiters.splice(0)) waiter.resolve(DONE);
      return Promise.resolve(DONE);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
    get bufferedCount() {
      return queue.size + held.size;
    },
  };
}
