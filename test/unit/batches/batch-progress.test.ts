import { describe, expect, it } from "vitest";
import { documentProgress, weightedProgress } from "../../../src/batches/batch-progress.ts";

describe("batch progress", () => {
  it("never goes backwards when a large document's page count becomes known", () => {
    // A 300-page document and a small one; the large one finishes VALIDATE (and so learns its
    // page count) while the small one is half done. Page-count weights dropped 0.099 -> 0.036 here.
    const plan = ["VALIDATE", "RENDER"] as const;
    const small = { sizeBytes: 20_000, progress: documentProgress("RUNNING", [...plan], [{ stage: "VALIDATE", status: "COMPLETED", pagesDone: 0, pagesTotal: null }]) };
    const largeBefore = { sizeBytes: 6_000_000, progress: 0 };
    const largeAfter = {
      sizeBytes: 6_000_000,
      progress: documentProgress("RUNNING", [...plan], [{ stage: "VALIDATE", status: "COMPLETED", pagesDone: 0, pagesTotal: 300 }]),
    };
    const before = weightedProgress([small, largeBefore]);
    const after = weightedProgress([small, largeAfter]);
    expect(after).toBeGreaterThan(before);
    expect(weightedProgress([{ ...small, progress: 1 }, { ...largeAfter, progress: 1 }])).toBe(1);
  });
});
