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
  /**
   * How long a request waits for Redis before it is decided by this process's own budget
   * instead (default 1000 ms): an outage costs at most this, never ioredis's ~10 s of retries.
   */
  redisTimeoutMs?: number;
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
 *
 * With Redis, two failures are survived: Redis losing its data (FLUSHALL, a restart without
 * persistence) makes Bottleneck answer SETTINGS_KEY_NOT_FOUND, and the user's limiter is then
 * recreated (a fresh budget); Redis unreachable or slow makes the request fall back to a local
 * limiter of the same size, so the quota still holds per process while Redis is down.
 */
export function createUserRateLimiter(options: UserRateLimiterOptions): UserRateLimiter {
  const windowMs = options.windowMs ?? 60_000;
  const namespace = options.namespace ?? "quire";
  const onError = options.onError ?? (() => undefined);
  // Connected on the first request, so building the limiter has no side effects.
  let connection: Bottleneck.IORedisConnection | null = null;
  let client: Redis | null = null;
  let clientFailing = false;
  // Shared limiters dropped while Redis was down, disconnected once it is back: Bottleneck
  // unsubscribes without handling the rejection, so a disconnect while down crashes the process.
  const pendingReleases: (() => void)[] = [];
  function releaseShared(entry: Entry): void {
    const release = () =>
      void Promise.resolve()
        .then(() => entry.limiter.disconnect(false))
        .catch(() => undefined);
    if (client?.status === "ready") release();
    else pendingReleases.push(release);
  }
  function redisConnection(): Bottleneck.IORedisConnection | null {
    if (!options.redisUrl) return null;
    if (!connection) {
      // Commands given up after one reconnection attempt instead of ioredis's 20 (~10 s).
      client = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
      client.on("ready", () => {
        clientFailing = false;
        for (const release of pendingReleases.splice(0)) release();
      });
      connection = new Bottleneck.IORedisConnection({ client });
      // ioredis reports every reconnect attempt: one report per outage is enough.
      connection.on("error", (error) => {
        if (!clientFailing) onError(error);
        clientFailing = true;
      });
    }
    return connection;
  }
  // Bottleneck refills on its heartbeat: keep it well under the window.
  const heartbeatInterval = Math.max(10, Math.min(1000, Math.floor(windowMs / 20)));
  const entries = new Map<string, Entry>();
  // Budgets used while Redis fails (same size, this process only).
  const localEntries = new Map<string, Entry>();
  const redisTimeoutMs = options.redisTimeoutMs ?? 1000;
  let lastSweep = Date.now();
  let closed = false;
  let redisFailing = false;

  function entryOf(map: Map<string, Entry>, userId: string, now: number, connection: Bottleneck.IORedisConnection | null): Entry {
    let entry = map.get(userId);
    if (!entry) {
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
      map.set(userId, entry);
    }
    entry.lastUsedAt = now;
    return entry;
  }

  async function takeFrom(entry: Entry, now: number): Promise<RateDecision> {
    const left = await entry.limiter.incrementReservoir(-1);
    if (left >= 0) return { allowed: true };
    // Windows start when this process first saw the user (with Redis: an estimate).
    const retryAfterMs = windowMs - ((now - entry.createdAt) % windowMs);
    return { allowed: false, retryAfterMs };
  }

  /** The user's shared budget; a limiter whose Redis state is gone or unreachable is dropped. */
  async function takeShared(userId: string, now: number, connection: Bottleneck.IORedisConnection): Promise<RateDecision> {
    const entry = entryOf(entries, userId, now, connection);
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        takeFrom(entry, now),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`Redis did not answer within ${redisTimeoutMs} ms`)), redisTimeoutMs);
        }),
      ]);
    } catch (error) {
      if (entries.get(userId) === entry) entries.delete(userId);
      releaseShared(entry);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async function sweep(now: number): Promise<void> {
    if (now - lastSweep < windowMs) return;
    lastSweep = now;
    const idle = (map: Map<string, Entry>) => [...map].filter(([, entry]) => now - entry.lastUsedAt > windowMs);
    for (const [userId, entry] of idle(entries)) {
      entries.delete(userId);
      releaseShared(entry);
    }
    const idleLocal = idle(localEntries);
    for (const [userId] of idleLocal) localEntries.delete(userId);
    await Promise.all(idleLocal.map(([, entry]) => entry.limiter.disconnect(false)));
  }

  return {
    async take(userId) {
      if (closed) throw new Error("the user rate limiter is closed");
      const now = Date.now();
      await sweep(now);
      const connection = redisConnection();
      if (!connection) return takeFrom(entryOf(localEntries, userId, now, null), now);
      // Known down: no waiting until ioredis has reconnected.
      if (redisFailing && client?.status !== "ready") return takeFrom(entryOf(localEntries, userId, now, null), now);
      try {
        let decision: RateDecision;
        try {
          decision = await takeShared(userId, now, connection);
        } catch (error) {
          // Redis lost its data: the next limiter writes fresh settings (a full budget).
          if (!String((error as Error)?.message).includes("SETTINGS_KEY_NOT_FOUND")) throw error;
          decision = await takeShared(userId, now, connection);
        }
        if (redisFailing) {
          redisFailing = false;
          localEntries.clear();
        }
        return decision;
      } catch (error) {
        // Reported once per outage, not once per request.
        if (!redisFailing) onError(new Error(`user rate limits fall back to per-process budgets: ${(error as Error)?.message ?? String(error)}`));
        redisFailing = true;
        return takeFrom(entryOf(localEntries, userId, now, null), now);
      }
    },
    async close() {
      closed = true;
      const local = [...localEntries.values()];
      const shared = [...entries.values()];
      entries.clear();
      localEntries.clear();
      await Promise.all(local.map((entry) => entry.limiter.disconnect(false)));
      // The connection first: it stops every shared limiter's heartbeat, and limiters
      // disconnected after it no longer unsubscribe (which would fail while Redis is down).
      await connection?.disconnect(client?.status === "ready").catch(onError);
      for (const entry of shared) releaseShared(entry);
      for (const release of pendingReleases.splice(0)) release();
    },
  };
}
