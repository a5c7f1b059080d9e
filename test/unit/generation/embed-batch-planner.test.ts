import { describe, expect, it } from "vitest";
import { planEmbedBatches } from "../../../src/generation/embed-batch-planner.ts";
import type { EmbedBatch } from "../../../src/generation/embed-batch-planner.ts";
import { plannedTokens } from "../../../src/generation/embed-batch-runner.ts";
import { countTokens } from "../../../src/text/token-count.ts";

const items = (tokens: number[]) => tokens.map((count, position) => ({ position, text: `t${position}`, tokens: count }));
const positions = (batches: EmbedBatch[]) => batches.map((batch) => batch.entries.map((entry) => entry.item.position));

describe("planEmbedBatches", () => {
  it("splits by batch size, in order", () => {
    const batches = planEmbedBatches(items([1, 1, 1, 1, 1, 1, 1]), { batchSize: 3, maxTokensPerRequest: 100, maxTokensPerInput: 10 });
    expect(positions(batches)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it("splits by the per-request token cap", () => {
    const batches = planEmbedBatches(items([4, 4, 3, 5, 10, 1]), { batchSize: 100, maxTokensPerRequest: 10, maxTokensPerInput: 10 });
    expect(positions(batches)).toEqual([[0, 1], [2, 3], [4], [5]]);
    expect(batches.map((batch) => batch.tokens)).toEqual([8, 8, 10, 1]);
    expect(batches.every((batch) => batch.tokens <= 10)).toBe(true);
  });

  it("applies both limits together", () => {
    const batches = planEmbedBatches(items([1, 1, 8, 1, 1, 1]), { batchSize: 2, maxTokensPerRequest: 9, maxTokensPerInput: 9 });
    expect(positions(batches)).toEqual([[0, 1], [2, 3], [4, 5]]);
  });

  it("rejects inputs over the per-input cap individually, keeping their place", () => {
    const batches = planEmbedBatches(items([1, 50, 1]), { batchSize: 10, maxTokensPerRequest: 100, maxTokensPerInput: 20 });
    expect(positions(batches)).toEqual([[0, 1, 2]]);
    expect(batches[0]?.size).toBe(2);
    expect(batches[0]?.entries[1]?.rejected).toEqual({
      code: "EMBED_INPUT_TOO_LONG",
      message: "The text has about 50 tokens; the embedding model accepts at most 20 per input",
    });
  });
});

describe("plannedTokens", () => {
  it("uses the UTF-8 length, an upper bound on tokens, while it fits the per-input cap", () => {
    expect(plannedTokens("hello world", 100)).toBe(11);
    expect(plannedTokens("日本語", 100)).toBe(9);
  });

  it("counts tokens exactly when the bound might exceed the cap", () => {
    const text = "word ".repeat(100);
    expect(plannedTokens(text, 50)).toBe(countTokens(text));
    for (const sample of ["héllo wörld", "значение 😀 日本語", "x".repeat(300)]) {
      expect(countTokens(sample)).toBeLessThanOrEqual(Buffer.byteLength(sample));
    }
  });
});
