import Bottleneck from "bottleneck";
import { Redis } from "ioredis";
import type { ProviderName } from "./provider-types.ts";
import type { ProviderLimits } from "./provider-options.ts";
import { createPauseGate } from "./pause-gate.ts";
import { abortReason } from "./retry-policy.ts";
import type { PauseGate } from "./pause-gate.ts";

/**
 * Limiters of the provider layer, one per provider+model ("openai:gpt-4o").
 *
 * Design: each key has two Bottleneck limiters, chained by nesting rather than
 * `limiter.chain()` (which would pass the token weight on to the second limiter):
 *  - a token limiter (only when tokensPerMinute is set): reservoir = tokensPerMinute,
 *    refreshed every budget window; a job's weight is its token estimate, counted BEFORE
 *    the call (input + max output, capped at the budget so a huge prompt still runs);
 *  - a request limiter: maxConcurrent, and reservoir = requestsPerMinute refreshed every
 *    window; weight 1 (Bottleneck counts concurrency in weight units, hence two limiters).
 * A job first takes its tokens, then waits for a request slot, then passes the pause gate
 * (a 429's Retry-After), then runs. With a Redis URL both limiters use Bottleneck's
 * clustering (shared ids `<namespace>:<key>:tokens|requests`) and pauses live in Redis, so
 * every process spends one budget. The first process to create a key's limiter sets its
 * limits; they expire after `keyTtlMs` of inactivity.
 */
export interface LimiterRegistry {
  /**
   * Runs `task` as one job of `key`'s limiters with `tokenWeight` estimated tokens. Rejects
   * with the signal's reason as soon as `signal` aborts, whether queued, paused or running
   * (the task receives the same signal to stop its HTTP call).
   */
  schedule<T>(key: string, tokenWeight: number, signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T>;
  /**
   * Holds every call of `key` for `ms`: queued jobs and new ones alike. `key` is a limiter
   * key ("openai:gpt-4o") or a provider name ("openai") to pause all its models.
   */
  pause(key: string, ms: number): Promise<void>;
  /** Milliseconds left of the pause that applies to `key` (0 when none). */
  pausedFor(key: string): Promise<number>;
  /** Disconnects every limiter (and Redis). The registry is unusable afterwards. */
  close(): Promise<void>;
}

/** Settings of a registry; `limitsFor` is usually bound to the resolved provider options. */
export interface LimiterRegistryOptions {
  limitsFor(key: string): ProviderLimits;
  budgetWindowMs: number;
  /** Shares limiters and pauses across processes when set. */
  redisUrl?: string | null;
  namespace?: string;
  keyTtlMs?: number;
  /** Receives Redis/limiter errors; they never reach callers' promises directly. */
  onError?: (error: unknown) => void;
}

/** The key of a provider+model's limiter. */
export function limiterKeyOf(provider: ProviderName, model: string): string {
  return `${provider}:${model}`;
}

interface KeyLimiters {
  tokens: Bottleneck | null;
  tokenBudget: number | null;
  requests: Bottleneck;
  requestBudget: number | null;
}

/** Creates the registry; limiters are built lazily on a key's first call. */
export function createLimiterRegistry(options: LimiterRegistryOptions): LimiterRegistry {
  const namespace = options.namespace ?? "quire";
  const onError = options.onError ?? (() => undefined);
  const redis = options.redisUrl ? new Redis(options.redisUrl, { lazyConnect: false }) : null;
  redis?.on("error", onError);
  const connection = redis ? new Bottleneck.IORedisConnection({ client: redis }) : null;
  connection?.on("error", onError);
  const gate: PauseGate = createPauseGate({ redis, namespace });
  const limiters = new Map<string, KeyLimiters>();
  // Bottleneck refreshes reservoirs on its heartbeat: keep it well under the window.
  const heartbeatInterval = Math.max(20, Math.min(250, Math.floor(options.budgetWindowMs / 10)));
  let closed = false;

  function build(key: string, kind: "tokens" | "requests", settings: Bottleneck.ConstructorOptions): Bottleneck {
    const clustering: Bottleneck.ConstructorOptions = connection
      ? {
          datastore: "ioredis",
          connection,
          id: `${namespace}:${key}:${kind}`,
          clearDatastore: false,
          ...(options.keyTtlMs ? { timeout: options.keyTtlMs } : {}),
        }
      : {};
    const limiter = new Bottleneck({ ...settings, ...clustering, heartbeatInterval });
    limiter.on("error", onError);
    return limiter;
  }

  function limitersOf(key: string): KeyLimiters {
    let entry = limiters.get(key);
    if (entry) return entry;
    const limits = options.limitsFor(key);
    const window = { reservoirRefreshInterval: options.budgetWindowMs };
    const tokenBudget = positive(limits.tokensPerMinute);
    const requestBudget = positive(limits.requestsPerMinute);
    entry = {
      tokens: tokenBudget
        ? build(key, "tokens", { reservoir: tokenBudget, reservoirRefreshAmount: tokenBudget, ...window })
        : null,
      tokenBudget,
      requests: build(key, "requests", {
        maxConcurrent: Math.max(1, limits.maxConcurrent),
        // Spaces request starts (a provider that dislikes bursts, a local server with one GPU).
        ...(limits.minTimeMs > 0 ? { minTime: limits.minTimeMs } : {}),
        ...(requestBudget ? { reservoir: requestBudget, reservoirRefreshAmount: requestBudget, ...window } : {}),
      }),
      requestBudget,
    };
    limiters.set(key, entry);
    return entry;
  }

  function pauseKeysOf(key: string): string[] {
    const provider = key.split(":", 1)[0] ?? key;
    return provider === key ? [key] : [key, provider];
  }

  async function schedule<T>(
    key: string,
    tokenWeight: number,
    signal: AbortSignal | undefined,
    task: () => Promise<T>,
  ): Promise<T> {
    if (closed) throw new Error("limiter registry is closed");
    signal?.throwIfAborted();
    const pauseKeys = pauseKeysOf(key);
    // Wait out a pause before queueing too, so a paused provider does not burn the budget.
    await gate.wait(pauseKeys, signal);
    const entry = limitersOf(key);
    const weight = entry.tokenBudget ? Math.max(1, Math.min(Math.ceil(tokenWeight), entry.tokenBudget)) : 0;

    const refund = async () => {
      // A job that never reached the provider gives its budget back.
      if (entry.requestBudget) await entry.requests.incrementReservoir(1);
      if (entry.tokens && weight > 0) await entry.tokens.incrementReservoir(weight);
    };
    const job = async (): Promise<T> => {
      try {
        signal?.throwIfAborted();
        await gate.wait(pauseKeys, signal);
      } catch (error) {
        await refund().catch(onError);
        throw error;
      }
      return task();
    };
    const run = () => entry.requests.schedule(job);
    const scheduled = entry.tokens ? entry.tokens.schedule({ weight }, run) : run();
    return raceAbort(scheduled, signal);
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    const all = [...limiters.values()].flatMap((entry) => (entry.tokens ? [entry.tokens, entry.requests] : [entry.requests]));
    limiters.clear();
    await Promise.all(all.map((limiter) => limiter.disconnect(false)));
    if (connection) await connection.disconnect(false);
  }

  return {
    schedule,
    pause: (key, ms) => gate.pause(key, ms),
    pausedFor: (key) => gate.remaining(pauseKeysOf(key)),
    close,
  };
}

function positive(value: number | null): number | null {
  return value !== null && Number.isFinite(value) && value > 0 ? Math.floor(value) : null;
}

// Bottleneck cannot cancel a queued job: the caller's promise settles at once and the job,
// when its turn comes, sees the aborted signal and gives its budget back.
function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
