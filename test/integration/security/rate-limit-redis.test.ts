import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { createUserRateLimiter } from "../../../src/auth/user-rate-limiter.ts";

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
