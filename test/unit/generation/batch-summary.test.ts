import { describe, expect, it } from "vitest";
import { parallelEfficiency } from "../../../src/generation/batch-summary.ts";

describe("parallelEfficiency", () => {
  it("is 1 when every allowed slot is busy for the whole wall time", () => {
    expect(parallelEfficiency([2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000], 4000, 5)).toBe(1);
  });

  it("divides by the slots that could have been used, not maxParallel, when fewer calls", () => {
    expect(parallelEfficiency([1000, 1000], 1000, 5)).toBe(1);
    expect(parallelEfficiency([1000, 500], 1000, 5)).toBe(0.75);
  });

  it("drops when calls run one after another although parallelism was allowed", () => {
    expect(parallelEfficiency([1000, 1000], 2000, 2)).toBe(0.5);
  });

  it("is 0 without calls and clamped to 0..1", () => {
    expect(parallelEfficiency([], 100, 5)).toBe(0);
    expect(parallelEfficiency([1001], 1000, 1)).toBe(1);
  });
});
