import { afterEach, describe, expect, it, vi } from "vitest";
import { createUserRateLimiter, type UserRateLimiter } from "../../../src/auth/user-rate-limiter.ts";

describe("user rate limiter", () => {
  let limiter: UserRateLimiter | undefined;
  afterEach(async () => {
    await limiter?.close();
    limiter = undefined;
    vi.useRealTimers();
  });

  it("allows the budget, refuses the next request with the wait, and refills after the window", async () => {
    // Bottleneck refills on its heartbeat (setInterval) from Date.now(): both are faked, its
    // own setTimeout(0) yields stay real.
    vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"] });
    limiter = createUserRateLimiter({ requestsPerWindow: 3, windowMs: 400 });
    const decisions = await Promise.all([1, 2, 3, 4, 5].map(() => limiter!.take("alice")));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(3);
    const refused = decisions.find((decision) => !decision.allowed);
    expect(refused).toEqual({ allowed: false, retryAfterMs: 400 });
    // Another user has a budget of their own.
    expect(await limiter.take("bob")).toEqual({ allowed: true });
    expect(await limiter.take("alice")).toMatchObject({ allowed: false });

    await vi.advanceTimersByTimeAsync(400 + 20);
    expect(await limiter.take("alice")).toEqual({ allowed: true });
  });

  it("refuses at once instead of queueing behind the refill", async () => {
    // With the clock and the heartbeat frozen, a request queued behind the refill would never
    // be answered (the test would time out); a refusal comes back at once.
    vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"] });
    limiter = createUserRateLimiter({ requestsPerWindow: 1, windowMs: 60_000 });
    expect(await limiter.take("carol")).toEqual({ allowed: true });
    expect(await limiter.take("carol")).toEqual({ allowed: false, retryAfterMs: 60_000 });
  });

  it("is unusable after close", async () => {
    const closed = createUserRateLimiter({ requestsPerWindow: 1 });
    await closed.take("dave");
    await closed.close();
    await expect(closed.take("dave")).rejects.toThrow(/closed/);
  });
});
