import Bottleneck from "bottleneck";
import { Redis } from "ioredis";

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Requests per window per user; one Bottleneck reservoir per user. */
export interface UserRateLimiter {
  /** Takes one request from `userId`'s budget, or says how long until it refills. */
  take(userId: string): Promise<RateDecision>;
  /** Disconnects every limiter (and Redis); the limiter is unusable afterwards. */
  close(): Promise<void>;
}

export interface UserRateLimiterOptions {
  requestsPerWindow: number;
  windowMs?: number;
  /** Shares budgets across processes (Bottleneck clustering) when set. */
  redisUrl?: string | undefined;
  namespace?: string;
  /** Receives Redis/limiter errors. */
  onError?: (error: unknown) => void;
}

interface Entry {
  limiter: Bottleneck;
  createdAt: number;
  lastUsedAt: number;
}

/**
 * Per-user request quotas on Bottleneck reservoirs: `requestsPerWindow` tokens, refilled
 * (not topped up) every `windowMs`. A request takes a token with `incrementReservoir(-1)`,
 * which is atomic locally and in Redis, so a request is refused at once instead of queuing
 * behind the refill (what `schedule` would do). The reservoir may dip below zero while a
 * user keeps hammering; the refill resets it. Idle users' limiters are dropped after a window.
 */
export function createUserRateLimiter(options: UserRateLimiterOptions): UserRateLimiter {
  const windowMs = options.windowMs ?? 60_000;
  const namespace = options.namespace ?? "quire";
  const onError = options.onError ?? (() => undefined);
  // Connected on the first request, so building the limiter has no side effects.
  let connection: Bottleneck.IORedisConnection | null = null;
  function redisConnection(): Bottleneck.IORedisConnection | null {
    if (!options.redisUrl) return null;
    if (!connection) {
      const client = new Redis(options.redisUrl);
      client.on("error", onError);
      connection = new Bottleneck.IORedisConnection({ client });
      connection.on("error", onError);
    }
    return connection;
  }
  // Bottleneck refills on its heartbeat: keep it well under the window.
  const heartbeatInterval = Math.max(10, Math.min(1000, Math.floor(windowMs / 20)));
  const entries = new Map<string, Entry>();
  let lastSweep = Date.now();
  let closed = false;

  function entryOf(userId: string, now: number): Entry {
    let entry = entries.get(userId);
    if (!entry) {
      const connection = redisConnection();
      const limiter = new Bottleneck({
        reservoir: options.requestsPerWindow,
        reservoirRefreshAmount: options.requestsPerWindow,
        reservoirRefreshInterval: windowMs,
        heartbeatInterval,
        ...(connection
          ? { datastore: "ioredis", connection, id: `${namespace}:user-rpm:${userId}`, clearDatastore: false, timeout: windowMs * 2 }
          : {}),
      });
      limiter.on("error", onError);
      entry = { limiter, createdAt: now, lastUsedAt: now };
      entries.set(userId, entry);
    }
    entry.lastUsedAt = now;
    return entry;
  }

  async function sweep(now: number): Promise<void> {
    if (now - lastSweep < windowMs) return;
    lastSweep = now;
    const idle = [...entries].filter(([, entry]) => now - entry.lastUsedAt > windowMs);
    for (const [userId] of idle) entries.delete(userId);
    await Promise.all(idle.map(([, entry]) => entry.limiter.disconnect(false)));
  }

  return {
    async take(userId) {
      if (closed) throw new Error("the user rate limiter is closed");
      const now = Date.now();
      await sweep(now);
      const entry = entryOf(userId, now);
      const left = await entry.limiter.incrementReservoir(-1);
      if (left >= 0) return { allowed: true };
      // Windows start when this process first saw the user (with Redis: an estimate).
      const retryAfterMs = windowMs - ((now - entry.createdAt) % windowMs);
      return { allowed: false, retryAfterMs };
    },
    async close() {
      closed = true;
      const all = [...entries.values()];
      entries.clear();
      await Promise.all(all.map((entry) => entry.limiter.disconnect(false)));
      // Quits the client and the subscriber Bottleneck duplicated from it.
      await connection?.disconnect(true).catch(onError);
    },
  };
}
