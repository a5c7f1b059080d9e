import { ProviderError } from "./provider-types.ts";
import type { ProviderName } from "./provider-types.ts";
import type { LimiterRegistry } from "./limiter-registry.ts";
import { abortedError, timeoutError } from "./provider-error-mapping.ts";
import { abortableDelay, decideRetry, limiterPauseFor } from "./retry-policy.ts";
import type { RetryPolicy } from "./retry-policy.ts";

/** pino-compatible logger subset the provider layer writes to. */
export interface GatewayLogger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

/** What the attempt loop needs from the gateway. */
export interface AttemptRunnerDeps {
  limiters: LimiterRegistry;
  policy: RetryPolicy;
  timeoutMs: number;
  logger: GatewayLogger;
  random?: () => number;
}

/** One logical call: which limiter, how heavy, and how to make one attempt. */
export interface AttemptPlan<T> {
  provider: ProviderName;
  model: string;
  limiterKey: string;
  tokenWeight: number;
  signal: AbortSignal | undefined;
  /** Makes one HTTP call, honouring `signal` (caller abort + this attempt's timeout). */
  attempt(signal: AbortSignal, timeoutMs: number): Promise<T>;
}

/** The end of a logical call; `error` is a ProviderError unless something unexpected broke. */
export type AttemptOutcome<T> =
  | { ok: true; value: T; attempts: number }
  | { ok: false; error: unknown; attempts: number };

/**
 * Runs a call with retries. Every attempt is a new limiter job (retries wait their turn and
 * spend budget like any call); a 429's Retry-After pauses the whole limiter; other retryable
 * failures back off with full jitter, outside the limiter so no slot is held while waiting.
 * The timeout covers one attempt's HTTP call, not its time queued.
 */
export async function runWithRetries<T>(deps: AttemptRunnerDeps, plan: AttemptPlan<T>): Promise<AttemptOutcome<T>> {
  for (let attempt = 1; ; attempt++) {
    let error: unknown;
    try {
      const value = await deps.limiters.schedule(plan.limiterKey, plan.tokenWeight, plan.signal, () =>
        attemptInJob(deps, plan),
      );
      return { ok: true, value, attempts: attempt };
    } catch (caught) {
      error = normalise(caught, plan);
    }
    if (!(error instanceof ProviderError)) return { ok: false, error, attempts: attempt };

    // decision.pauseMs was already applied inside the job (see attemptInJob).
    const decision = decideRetry(error, attempt, deps.policy, deps.random);
    if (!decision.retry) return { ok: false, error, attempts: attempt };
    deps.logger.warn(
      { provider: plan.provider, model: plan.model, code: error.code, attempt, delayMs: decision.delayMs },
      "provider call failed: retrying",
    );
    try {
      await abortableDelay(decision.delayMs, plan.signal);
    } catch {
      return { ok: false, error: abortedError(plan.provider), attempts: attempt };
    }
  }
}

/**
 * One attempt inside its limiter job. A 429's pause is set here, before the job ends and
 * frees its slot: set after, the next queued job could slip through to the provider first.
 */
async function attemptInJob<T>(deps: AttemptRunnerDeps, plan: AttemptPlan<T>): Promise<T> {
  try {
    return await attemptWithTimeout(plan, deps.timeoutMs);
  } catch (caught) {
    const error = normalise(caught, plan);
    const pauseMs = error instanceof ProviderError ? limiterPauseFor(error) : undefined;
    if (pauseMs !== undefined) {
      deps.logger.warn(
        { provider: plan.provider, model: plan.model, limiter: plan.limiterKey, pauseMs },
        "provider rate limited: pausing its limiter",
      );
      try {
        await deps.limiters.pause(plan.limiterKey, pauseMs);
      } catch (pauseError) {
        deps.logger.error({ err: pauseError, limiter: plan.limiterKey }, "could not pause the limiter");
      }
    }
    throw error;
  }
}

async function attemptWithTimeout<T>(plan: AttemptPlan<T>, timeoutMs: number): Promise<T> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const signal = plan.signal ? AbortSignal.any([plan.signal, timeout.signal]) : timeout.signal;
  try {
    return await plan.attempt(signal, timeoutMs);
  } catch (error) {
    // Adapters see one abort; which of the two signals fired decides what it meant.
    if (timeout.signal.aborted && !plan.signal?.aborted) throw timeoutError(plan.provider, timeoutMs);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function normalise(error: unknown, plan: AttemptPlan<unknown>): unknown {
  if (plan.signal?.aborted) return abortedError(plan.provider);
  if (error instanceof ProviderError) return error;
  if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")) {
    return abortedError(plan.provider);
  }
  return error;
}
