import { describe, expect, it } from "vitest";
import { createPriceTable } from "../../../src/providers/price-table.ts";
import { estimateImageTokens, estimateMessageTokens } from "../../../src/providers/token-estimate.ts";

const usage = (inputTokens: number, outputTokens: number, cachedInputTokens = 0) => ({ inputTokens, outputTokens, cachedInputTokens });

describe("price table", () => {
  const prices = createPriceTable();

  it("prices input, cached input and output per million tokens", () => {
    // gpt-4o: 2.50 in, 1.25 cached, 10 out
    expect(prices.costOf("openai", "gpt-4o", usage(1_000_000, 0)).costUsd).toBeCloseTo(2.5);
    expect(prices.costOf("openai", "gpt-4o", usage(1_000_000, 1_000_000, 500_000)).costUsd).toBeCloseTo(1.25 + 0.625 + 10);
    expect(prices.costOf("anthropic", "claude-sonnet-4-5", usage(1_000, 1_000))).toEqual({ costUsd: 0.003 + 0.015, priced: true });
    expect(prices.costOf("openai", "text-embedding-3-small", usage(1_000_000, 0)).costUsd).toBeCloseTo(0.02);
  });

  it("prices dated snapshots like their base model but not unknown siblings", () => {
    expect(prices.priceOf("openai", "gpt-4o-2024-08-06")).toEqual(prices.priceOf("openai", "gpt-4o"));
    expect(prices.priceOf("openai", "gpt-4o-mini-2024-07-18")).toEqual(prices.priceOf("openai", "gpt-4o-mini"));
    expect(prices.priceOf("anthropic", "claude-sonnet-4-20250514")).toEqual(prices.priceOf("anthropic", "claude-sonnet-4"));
    expect(prices.priceOf("anthropic", "claude-opus-4-9")).toBeNull();
  });

  it("flags unknown models as unpriced with cost 0; local is free", () => {
    expect(prices.costOf("openai", "my-finetune", usage(10, 10))).toEqual({ costUsd: 0, priced: false });
    expect(prices.costOf("local", "anything", usage(10, 10))).toEqual({ costUsd: 0, priced: true });
  });

  it("lets config override and add prices", () => {
    const custom = createPriceTable({ "gpt-4o": { input: 1, output: 1 }, "my-finetune": { input: 3, output: 6 } });
    expect(custom.costOf("openai", "gpt-4o", usage(1_000_000, 0)).costUsd).toBeCloseTo(1);
    expect(custom.costOf("openai", "my-finetune", usage(1_000_000, 1_000_000))).toEqual({ costUsd: 9, priced: true });
  });
});

describe("token estimate", () => {
  it("counts text plus a per-message overhead", () => {
    expect(estimateMessageTokens([{ role: "user", content: "hello world" }])).toBe(2 + 4);
  });

  it("reads PNG and JPEG sizes for image estimates", () => {
    const png = new Uint8Array(24);
    const view = new DataView(png.buffer);
    view.setUint32(0, 0x89504e47);
    view.setUint32(16, 300);
    view.setUint32(20, 250);
    expect(estimateImageTokens(png)).toBe(100);
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0, 150, 1, 244, 3, 0, 0, 0]);
    expect(estimateImageTokens(jpeg)).toBe(100); // 500 x 150 / 750
    expect(estimateImageTokens(new Uint8Array([1, 2, 3]))).toBe(1600);
  });
});
