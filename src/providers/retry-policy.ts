import type { ProviderError } from "./provider-types.ts";

/** Bounds of the gateway's retries. */
export interface RetryPolicy {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** Backoff of the first retry before jitter; doubles each retry. */
  baseDelayMs: number;
  /** Cap of one backoff delay. */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the call fails instead. */
  maxRetryAfterMs: number;
}

/**
 * What to do after a failed attempt. `pauseMs` asks the gateway to pause the whole
 * provider+model limiter (a 429's Retry-After concerns every queued call, not just this
 * one); `delayMs` is this call's own wait before its next attempt re-enters the limiter.
 */
export type RetryDecision = { retry: false; pauseMs?: number } | { retry: true; delayMs: number; pauseMs?: number };

/**
 * Decides whether attempt number `attempt` (1-based), which failed with `error`, is retried.
 * Non-retryable codes (bad request, auth, spend limit, abort) never are. A 429 with
 * Retry-After pauses the limiter for that long and retries without extra delay (the pause
 * is the delay); other retryable failures back off exponentially with full jitter.
 */
export function decideRetry(
  error: ProviderError,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): RetryDecision {
  const rateLimitPause = limiterPauseFor(error);
  const pause = rateLimitPause === undefined ? {} : { pauseMs: rateLimitPause };
  if (!error.retryable || attempt >= policy.maxAttempts) return { retry: false, ...pause };
  if (error.retryAfterMs !== undefined) {
    if (error.retryAfterMs > policy.maxRetryAfterMs) return { retry: false, ...pause };
    // A paused limiter already holds the retry back; a 503's Retry-After is this call's own wait.
    return { retry: true, delayMs: rateLimitPause === undefined ? error.retryAfterMs : 0, ...pause };
  }
  return { retry: true, delayMs: backoffDelay(attempt, policy, random) };
}

/** How long a failure asks to pause its whole limiter: a 429's Retry-After, else undefined. */
export function limiterPauseFor(error: ProviderError): number | undefined {
  return error.code === "PROVIDER_RATE_LIMITED" && error.retryAfterMs !== undefined ? error.retryAfterMs : undefined;
}

/** Full-jitter exponential backoff: uniform in [0, min(maxDelayMs, baseDelayMs * 2^(attempt-1))]. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * Math.min(1, Math.max(0, random())));
}

/** Waits `ms`, rejecting with the signal's reason as soon as it aborts. */
export function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The signal's reason when it is an Error, else a standard AbortError. */
export function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new DOMException("The operation was aborted.", "AbortError");
}
