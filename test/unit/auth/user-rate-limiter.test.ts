import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { createUserRateLimiter, type UserRateLimiter } from "../../../src/auth/user-rate-limiter.ts";

describe("user rate limiter", () => {
  let limiter: UserRateLimiter | undefined;
  afterEach(async () => {
    await limiter?.close();
    limiter = undefined;
  });

  it("allows the budget, refuses the next request with the wait, and refills after the window", async () => {
    limiter = createUserRateLimiter({ requestsPerWindow: 3, windowMs: 400 });
    const decisions = await Promise.all([1, 2, 3, 4, 5].map(() => limiter!.take("alice")));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(3);
    const refused = decisions.find((decision) => !decision.allowed);
    expect(refused).toMatchObject({ allowed: false });
    if (refused && !refused.allowed) {
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(400);
    }
    // Another user has a budget of their own.
    expect(await limiter.take("bob")).toEqual({ allowed: true });

    await sleep(550);
    expect(await limiter.take("alice")).toEqual({ allowed: true });
  });

  it("refuses at once instead of queueing behind the refill", async () => {
    limiter = createUserRateLimiter({ requestsPerWindow: 1, windowMs: 60_000 });
    expect(await limiter.take("carol")).toEqual({ allowed: true });
    const started = Date.now();
    const decision = await limiter.take("carol");
    expect(Date.now() - started).toBeLessThan(200);
    expect(decision.allowed).toBe(false);
  });

  it("is unusable after close", async () => {
    const closed = createUserRateLimiter({ requestsPerWindow: 1 });
    await closed.take("dave");
    await closed.close();
    await expect(closed.take("dave")).rejects.toThrow(/closed/);
  });
});
