import { connect } from "node:net";
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLimiterRegistry } from "../../../src/providers/limiter-registry.ts";
import type { LimiterRegistry, LimiterRegistryOptions } from "../../../src/providers/limiter-registry.ts";
import type { ProviderLimits } from "../../../src/providers/provider-options.ts";

const REDIS_URL = "redis://127.0.0.1:6379";
const redisUp = await new Promise<boolean>((resolve) => {
  const socket = connect({ host: "127.0.0.1", port: 6379, timeout: 300 });
  socket.once("connect", () => (socket.destroy(), resolve(true)));
  socket.once("error", () => resolve(false));
  socket.once("timeout", () => (socket.destroy(), resolve(false)));
});

const open: LimiterRegistry[] = [];
function registry(limits: Partial<ProviderLimits>, extra: Partial<LimiterRegistryOptions> = {}): LimiterRegistry {
  const created = createLimiterRegistry({
    limitsFor: () => ({ maxConcurrent: 10, requestsPerMinute: null, tokensPerMinute: null, minTimeMs: 0, ...limits }),
    budgetWindowMs: 300,
    ...extra,
  });
  open.push(created);
  return created;
}
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(open.splice(0).map((created) => created.close()));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A task that records when it started and how many tasks ran at once. */
function tracker() {
  const starts: number[] = [];
  let running = 0;
  let maxRunning = 0;
  const t0 = performance.now();
  return {
    starts,
    get maxRunning() {
      return maxRunning;
    },
    task: (value: number, ms = 20) => async () => {
      starts[value] = performance.now() - t0;
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(ms);
      running--;
      return value;
    },
  };
}

describe("limiter registry", () => {
  it("never runs more than maxConcurrent jobs and keeps results in call order", async () => {
    const limiters = registry({ maxConcurrent: 2 });
    const track = tracker();
    const results = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => limiters.schedule("openai:m", 1, undefined, track.task(i))));
    expect(results).toEqual([0, 1, 2, 3, 4, 5]);
    expect(track.maxRunning).toBe(2);
  });

  it("delays requests beyond the per-window request budget", async () => {
    // Bottleneck refills on its heartbeat (setInterval) from Date.now(): both are faked, so the
    // third request provably waits for the refill instead of 'starting after 200 ms'.
    vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"] });
    const limiters = registry({ requestsPerMinute: 2 }, { budgetWindowMs: 60_000 });
    const started: number[] = [];
    const calls = [0, 1, 2].map((i) => limiters.schedule("openai:m", 1, undefined, () => (started.push(i), Promise.resolve(i))));
    expect(await Promise.all(calls.slice(0, 2))).toEqual([0, 1]);
    expect(started).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(61_000);
    expect(await calls[2]).toBe(2);
    expect(started).toEqual([0, 1, 2]);
  });

  it("delays calls beyond the per-window token budget, weighting each by its estimate", async () => {
    vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"] });
    const limiters = registry({ tokensPerMinute: 100 }, { budgetWindowMs: 60_000 });
    const started: number[] = [];
    const task = (i: number) => () => (started.push(i), Promise.resolve(i));
    const calls = [
      limiters.schedule("openai:m", 60, undefined, task(0)),
      limiters.schedule("openai:m", 30, undefined, task(1)),
      limiters.schedule("openai:m", 60, undefined, task(2)),
    ];
    // 60 + 30 fit the budget of 100; the next 60 waits for the refill.
    expect(await Promise.all(calls.slice(0, 2))).toEqual([0, 1]);
    expect(started).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(61_000);
    expect(await calls[2]).toBe(2);
    expect(started).toEqual([0, 1, 2]);
  });


  it("still runs a call heavier than the whole token budget", async () => {
    const limiters = registry({ tokensPerMinute: 100 });
    await expect(limiters.schedule("openai:m", 10_000, undefined, () => Promise.resolve("ran"))).resolves.toBe("ran");
  });

  it("keeps separate budgets per provider+model", async () => {
    const limiters = registry({ maxConcurrent: 1 });
    const track = tracker();
    await Promise.all([
      limiters.schedule("openai:a", 1, undefined, track.task(0, 50)),
      limiters.schedule("openai:b", 1, undefined, track.task(1, 50)),
    ]);
    expect(track.maxRunning).toBe(2);
  });

  it("pause holds queued jobs too, and a provider-wide pause holds all its models", async () => {
    const limiters = registry({ maxConcurrent: 1 });
    const track = tracker();
    const first = limiters.schedule("openai:m", 1, undefined, track.task(0, 40));
    const queued = limiters.schedule("openai:m", 1, undefined, track.task(1, 1));
    await sleep(10);
    await limiters.pause("openai:m", 250);
    await Promise.all([first, queued]);
    expect(track.starts[1]!).toBeGreaterThan(240);

    await limiters.pause("anthropic", 150);
    expect(await limiters.pausedFor("anthropic:other")).toBeGreaterThan(100);
    const started = performance.now();
    await limiters.schedule("anthropic:other", 1, undefined, () => Promise.resolve());
    expect(performance.now() - started).toBeGreaterThan(120);
  });

  it("rejects at once when aborted while queued, and gives the budget back", async () => {
    // A long window: only a refund (not a refresh) can let the third call start promptly.
    const limiters = registry({ maxConcurrent: 1, requestsPerMinute: 2 }, { budgetWindowMs: 60_000 });
    // "At once" means while the first call still holds the only slot: it is released by hand.
    let abortedRan = false;
    let releaseFirst!: () => void;
    let firstStarted!: () => void;
    const running = new Promise<void>((resolve) => (firstStarted = resolve));
    const first = limiters.schedule("openai:m", 1, undefined, () => {
      firstStarted();
      return new Promise<void>((resolve) => (releaseFirst = resolve));
    });
    await running;
    const controller = new AbortController();
    const queued = limiters.schedule("openai:m", 1, controller.signal, () => {
      abortedRan = true;
      return Promise.resolve();
    });
    controller.abort();
    await expect(queued).rejects.toThrow(/abort/i);
    releaseFirst();
    await first;
    // Without the refund the third call would wait for the 60 s window, past the test's timeout.
    await limiters.schedule("openai:m", 1, undefined, () => Promise.resolve());
    expect(abortedRan).toBe(false);
  });

  it("rejects when aborted during a pause", async () => {
    const limiters = registry({});
    await limiters.pause("openai:m", 5_000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(limiters.schedule("openai:m", 1, controller.signal, () => Promise.resolve())).rejects.toThrow(/abort/i);
  });
});

describe.skipIf(!redisUp)("limiter registry clustered on Redis (skipped when 127.0.0.1:6379 is unreachable)", () => {
  function clustered(limits: Partial<ProviderLimits>, namespace: string) {
    return registry(limits, { redisUrl: REDIS_URL, namespace, keyTtlMs: 60_000, budgetWindowMs: 1_000 });
  }

  it("two registries share one concurrency budget", async () => {
    const namespace = `quire-test-${randomUUID()}`;
    const a = clustered({ maxConcurrent: 1 }, namespace);
    const b = clustered({ maxConcurrent: 1 }, namespace);
    const track = tracker();
    const results = await Promise.all(
      [0, 1, 2, 3].map((i) => (i % 2 === 0 ? a : b).schedule("openai:m", 1, undefined, track.task(i, 40))),
    );
    expect(results).toEqual([0, 1, 2, 3]);
    expect(track.maxRunning).toBe(1);
  });

  it("two registries share one request budget", async () => {
    const namespace = `quire-test-${randomUUID()}`;
    // Unshared, each registry would start its two at once; shared, the fourth waits for the
    // window (1 s) to refresh. A lower bound: a slow machine may start late, never early.
    const a = clustered({ requestsPerMinute: 3 }, namespace);
    const b = clustered({ requestsPerMinute: 3 }, namespace);
    const track = tracker();
    await Promise.all([0, 1, 2, 3].map((i) => (i < 2 ? a : b).schedule("openai:m", 1, undefined, track.task(i, 1))));
    const sorted = [...track.starts].sort((x, y) => x - y);
    expect(sorted[3]!).toBeGreaterThan(700);
  });

  it("a pause set by one process holds the other", async () => {
    const namespace = `quire-test-${randomUUID()}`;
    const a = clustered({}, namespace);
    const b = clustered({}, namespace);
    await a.pause("openai:m", 300);
    expect(await b.pausedFor("openai:m")).toBeGreaterThan(200);
    const started = performance.now();
    await b.schedule("openai:m", 1, undefined, () => Promise.resolve());
    expect(performance.now() - started).toBeGreaterThan(200);
  });
});

describe("limiter registry minTime (LLM_MIN_TIME_MS)", () => {
  it("spaces request starts of one provider+model by at least minTimeMs", async () => {
    const limiters = registry({ maxConcurrent: 10, minTimeMs: 40 });
    const starts: number[] = [];
    const record = () => Promise.resolve(void starts.push(Date.now()));
    const before = Date.now();
    await Promise.all([0, 1, 2, 3].map(() => limiters.schedule("openai:spaced", 1, undefined, record)));
    // Bottleneck decides each launch at least minTime after the previous launch decision (with
    // Date.now), so the fourth start cannot come before three gaps have passed.
    expect(Math.max(...starts) - before).toBeGreaterThanOrEqual(3 * 40);
  });
});
