import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { createUserRateLimiter } from "../../../src/auth/user-rate-limiter.ts";
import { findFreePort } from "../../../src/db/embedded-postgres.ts";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 500, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

const reachable = await redisAnswers(redisUrl);
if (!reachable) console.warn(`Skipping the shared (Redis) user quota test: nothing answered at ${redisUrl}.`);

describe.skipIf(!reachable)("per-user quota shared through Redis", () => {
  it("gives two processes one budget per user", async () => {
    const namespace = `quire-test-${randomBytes(4).toString("hex")}`;
    const options = { requestsPerWindow: 4, windowMs: 60_000, redisUrl, namespace };
    const first = createUserRateLimiter(options);
    const second = createUserRateLimiter(options);
    try {
      const decisions = [];
      for (let index = 0; index < 6; index++) decisions.push(await (index % 2 ? second : first).take("shared-user"));
      expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, true, false, false]);
      expect(await first.take("someone-else")).toEqual({ allowed: true });
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe.skipIf(!reachable)("per-user quota when Redis loses its data", () => {
  it("recreates the user's state: the next request of an active user succeeds", async () => {
    const namespace = `quire-test-${randomBytes(4).toString("hex")}`;
    const errors: unknown[] = [];
    const limiter = createUserRateLimiter({ requestsPerWindow: 5, windowMs: 60_000, redisUrl, namespace, onError: (e) => errors.push(e) });
    const redis = new Redis(redisUrl);
    try {
      expect(await limiter.take("active-user")).toEqual({ allowed: true });
      // What FLUSHALL or a restart without persistence does, limited to this test's keys
      // (the Redis is shared with other test files).
      const keys = await redis.keys(`b_${namespace}:*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
      expect(await limiter.take("active-user")).toEqual({ allowed: true });
      expect(await redis.keys(`b_${namespace}:*`)).not.toEqual([]);
    } finally {
      await limiter.close();
      redis.disconnect();
    }
  });
});

describe("per-user quota while Redis is unreachable", () => {
  it("decides at once from a per-process budget of the same size and reports the outage once", async () => {
    const errors: unknown[] = [];
    const limiter = createUserRateLimiter({
      requestsPerWindow: 2,
      windowMs: 60_000,
      redisUrl: `redis://127.0.0.1:${await findFreePort()}`,
      redisTimeoutMs: 200,
      onError: (error) => errors.push(error),
    });
    try {
      const decisions = [];
      for (let i = 0; i < 3; i++) decisions.push(await limiter.take("user-during-outage"));
      expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, false]);
      const fallback = errors.filter((error) => String(error).includes("fall back to per-process budgets"));
      expect(fallback).toHaveLength(1);
    } finally {
      await limiter.close();
    }
  });
});
