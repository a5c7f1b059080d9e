import { describe, expect, it } from "vitest";
import { createProgressThrottle } from "../../../src/events/progress-throttle.ts";

function manualClock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("createProgressThrottle", () => {
  it("allows one emission per key per interval", () => {
    const clock = manualClock();
    const throttle = createProgressThrottle(100, { now: clock.now });
    expect(throttle.tryAcquire("doc-a")).toBe(true);
    expect(throttle.tryAcquire("doc-a")).toBe(false);
    expect(throttle.tryAcquire("doc-b")).toBe(true);
    clock.advance(60);
    expect(throttle.msUntilAllowed("doc-a")).toBe(40);
    expect(throttle.tryAcquire("doc-a")).toBe(false);
    clock.advance(40);
    expect(throttle.msUntilAllowed("doc-a")).toBe(0);
    expect(throttle.tryAcquire("doc-a")).toBe(true);
  });

  it("caps a tight loop at 10 per second per key", () => {
    const clock = manualClock();
    const throttle = createProgressThrottle(100, { now: clock.now });
    let allowed = 0;
    for (let ms = 0; ms < 1000; ms += 1) {
      if (throttle.tryAcquire("doc")) allowed += 1;
      clock.advance(1);
    }
    expect(allowed).toBe(10);
  });

  it("forgets keys explicitly and sweeps stale ones so it cannot leak", () => {
    const clock = manualClock();
    const throttle = createProgressThrottle(100, { now: clock.now });
    throttle.tryAcquire("done");
    throttle.forget("done");
    expect(throttle.tryAcquire("done")).toBe(true);
    for (let i = 0; i < 50_000; i += 1) {
      throttle.tryAcquire(`doc-${i}`);
      if (i % 100 === 0) clock.advance(100);
    }
    expect(throttle.size).toBeLessThanOrEqual(2048);
  });

  it("rejects a negative interval", () => {
    expect(() => createProgressThrottle(-1)).toThrow(RangeError);
  });
});
