import type { Redis } from "ioredis";
import { abortableDelay } from "./retry-policy.ts";

/**
 * Pauses of provider limiters (a 429's Retry-After). Bottleneck has no pause, so every job
 * passes this gate before its HTTP call. With Redis the pause is a key with a TTL, seen by
 * every process sharing the budget; the local map still answers for this process at once.
 */
export interface PauseGate {
  /** Holds every call behind `key` for `ms` (never shortens a longer pause already set). */
  pause(key: string, ms: number): Promise<void>;
  /** Milliseconds left of the longest pause among `keys` (0 when none). */
  remaining(keys: string[]): Promise<number>;
  /** Resolves once no pause among `keys` remains; rejects when `signal` aborts. */
  wait(keys: string[], signal?: AbortSignal): Promise<void>;
}

// Only extends: a short pause set after a long one must not cut the long one short.
const EXTEND_PAUSE = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 0`;

/** A gate local to this process, or shared through `redis` under `namespace`. */
export function createPauseGate(options: { redis?: Redis | null; namespace: string; now?: () => number }): PauseGate {
  const now = options.now ?? Date.now;
  const until = new Map<string, number>();
  const redis = options.redis ?? null;
  const redisKey = (key: string) => `${options.namespace}:pause:${key}`;

  async function pause(key: string, ms: number): Promise<void> {
    if (!(ms > 0)) return;
    until.set(key, Math.max(until.get(key) ?? 0, now() + ms));
    if (redis) await redis.eval(EXTEND_PAUSE, 1, redisKey(key), String(Math.ceil(ms)));
  }

  async function remaining(keys: string[]): Promise<number> {
    let longest = 0;
    for (const key of keys) {
      const left = (until.get(key) ?? 0) - now();
      if (left > 0) longest = Math.max(longest, left);
      else until.delete(key);
    }
    if (redis && keys.length > 0) {
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.pttl(redisKey(key));
      for (const [error, ttl] of (await pipeline.exec()) ?? []) {
        if (!error && typeof ttl === "number" && ttl > 0) longest = Math.max(longest, ttl);
      }
    }
    return longest;
  }

  async function wait(keys: string[], signal?: AbortSignal): Promise<void> {
    // Loop: the pause may be extended by another 429 while we sleep.
    for (let left = await remaining(keys); left > 0; left = await remaining(keys)) {
      await abortableDelay(left, signal);
    }
    signal?.throwIfAborted();
  }

  return { pause, remaining, wait };
}
