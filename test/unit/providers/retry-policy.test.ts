import { describe, expect, it } from "vitest";
import { abortableDelay, backoffDelay, decideRetry } from "../../../src/providers/retry-policy.ts";
import { ProviderError } from "../../../src/providers/provider-types.ts";
import { parseRetryAfter } from "../../../src/providers/provider-error-mapping.ts";

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 };
const always = () => 1;

describe("retry policy", () => {
  it("grows the backoff exponentially up to the cap, with full jitter below it", () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, policy, always))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(200);
  });

  it("retries retryable failures until the attempt bound", () => {
    const unavailable = new ProviderError("PROVIDER_UNAVAILABLE", "x", { retryable: true });
    expect(decideRetry(unavailable, 1, policy, always)).toEqual({ retry: true, delayMs: 100 });
    expect(decideRetry(unavailable, 3, policy, always)).toEqual({ retry: true, delayMs: 400 });
    expect(decideRetry(unavailable, 4, policy, always)).toEqual({ retry: false });
  });

  it("never retries non-retryable codes", () => {
    for (const code of ["PROVIDER_BAD_REQUEST", "PROVIDER_AUTH_FAILED", "PROVIDER_SPEND_LIMIT", "PROVIDER_ABORTED"] as const) {
      expect(decideRetry(new ProviderError(code, "x"), 1, policy, always)).toEqual({ retry: false });
    }
  });

  it("turns a 429's Retry-After into a limiter pause, not a private delay", () => {
    const limited = new ProviderError("PROVIDER_RATE_LIMITED", "x", { retryable: true, retryAfterMs: 1_000 });
    expect(decideRetry(limited, 1, policy, always)).toEqual({ retry: true, delayMs: 0, pauseMs: 1_000 });
    // Out of attempts: still pause, so queued calls do not hammer the provider.
    expect(decideRetry(limited, 4, policy, always)).toEqual({ retry: false, pauseMs: 1_000 });
    const tooLong = new ProviderError("PROVIDER_RATE_LIMITED", "x", { retryable: true, retryAfterMs: 60_000 });
    expect(decideRetry(tooLong, 1, policy, always)).toEqual({ retry: false, pauseMs: 60_000 });
  });

  it("backs off a 429 without Retry-After like any retryable failure", () => {
    const limited = new ProviderError("PROVIDER_RATE_LIMITED", "x", { retryable: true });
    expect(decideRetry(limited, 2, policy, always)).toEqual({ retry: true, delayMs: 200 });
  });

  it("waits a 503's Retry-After as this call's own delay", () => {
    const unavailable = new ProviderError("PROVIDER_UNAVAILABLE", "x", { retryable: true, retryAfterMs: 700 });
    expect(decideRetry(unavailable, 1, policy, always)).toEqual({ retry: true, delayMs: 700 });
  });

  it("stops waiting when the signal aborts", async () => {
    const controller = new AbortController();
    // An hour's delay: only the abort can end it within the test's timeout.
    const waiting = abortableDelay(3_600_000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow(/abort/i);
  });
});

describe("parseRetryAfter", () => {
  const headers = (entries: Record<string, string>) => new Headers(entries);
  it("reads seconds, milliseconds and HTTP dates", () => {
    expect(parseRetryAfter(headers({ "retry-after": "2" }))).toBe(2_000);
    expect(parseRetryAfter(headers({ "retry-after": "0.5" }))).toBe(500);
    expect(parseRetryAfter(headers({ "retry-after-ms": "250", "retry-after": "9" }))).toBe(250);
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter(headers({ "retry-after": "Wed, 01 Jan 2025 00:00:04 GMT" }), now)).toBe(4_000);
  });
  it("ignores absent or garbage values", () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter(headers({}))).toBeUndefined();
    expect(parseRetryAfter(headers({ "retry-after": "soon" }))).toBeUndefined();
  });
});
