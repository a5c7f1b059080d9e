/**
 * Loaded before every test file (vitest setupFiles): fails the file when it leaves a listening
 * server, an open TCP socket or a child process behind, so a leaked pool, worker or socket is
 * found where it is made rather than as a hang or a flake somewhere else. Timers are not
 * counted: libraries keep unref'd ones that hold nothing open.
 */
import { afterAll, beforeAll, vi } from "vitest";

const WATCHED = new Set(["TCPServerWrap", "TCPSocketWrap", "ProcessWrap"]);

function openHandles(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) if (WATCHED.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

let baseline = new Map<string, number>();

beforeAll(() => {
  baseline = openHandles();
});

// Registered first, so it runs after the file's own afterAll hooks.
afterAll(async () => {
  const leaked = () => [...openHandles()].filter(([type, count]) => count > (baseline.get(type) ?? 0));
  // Closed sockets and exited children leave the list within a few event-loop turns.
  await vi.waitUntil(() => leaked().length === 0, { timeout: 5_000, interval: 25 }).catch(() => {
    const summary = leaked().map(([type, count]) => `${count - (baseline.get(type) ?? 0)} × ${type}`);
    throw new Error(`this test file left open: ${summary.join(", ")} (close every server, pool, client and child process it starts)`);
  });
});
