import { afterEach, expect } from "vitest";
import { RenderPool } from "../../../src/pdf/render-pool.ts";
import type { RenderPoolOptions } from "../../../src/pdf/render-pool.ts";

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Pools created through `track` are closed after each test, and the test fails if any of their
 * worker processes outlived close().
 */
export function trackPools(): (options?: RenderPoolOptions) => RenderPool {
  const pools: RenderPool[] = [];
  const pids = new Set<number>();
  afterEach(async () => {
    const open = pools.splice(0);
    for (const pool of open) for (const w of pool.stats().workers) if (w.pid) pids.add(w.pid);
    await Promise.all(open.map((pool) => pool.close()));
    const survivors = [...pids].filter(isAlive);
    pids.clear();
    expect(survivors, "worker processes left running after close()").toEqual([]);
  });
  return (options) => {
    const pool = new RenderPool(options);
    pools.push(pool);
    return pool;
  };
}

/** Resolves once `predicate` holds, polling every 5 ms, or rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("waitFor timed out");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
