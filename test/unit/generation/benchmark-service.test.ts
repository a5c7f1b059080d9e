import { describe, expect, it } from "vitest";
import { benchmarkModels } from "../../../src/generation/benchmark-service.ts";
import { GenerationInputError } from "../../../src/generation/generation-input-error.ts";
import { mean, percentile } from "../../../src/generation/percentiles.ts";
import { ProviderError } from "../../../src/providers/provider-types.ts";
import type { GenerateRequest } from "../../../src/providers/provider-types.ts";
import { createFakeGateway } from "./fake-gateway.ts";

describe("percentile (nearest rank)", () => {
  it("returns an observed value at rank ceil(p/100 × n)", () => {
    const values = [15, 20, 35, 40, 50];
    expect(percentile(values, 5)).toBe(15);
    expect(percentile(values, 30)).toBe(20);
    expect(percentile(values, 40)).toBe(20);
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 100)).toBe(50);
    expect(percentile([300, 100, 200], 50)).toBe(200);
    expect(percentile([300, 100, 200], 95)).toBe(300);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 95)).toBe(95);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(mean([1, 2, 6])).toBe(3);
  });
});

describe("benchmarkModels", () => {
  it("runs each model's runs one after another, models concurrently, bypassing the cache", async () => {
    const latencies: Record<string, number[]> = { fast: [100, 300, 200], slow: [1000, 1200, 1100] };
    const seen: Record<string, number> = { fast: 0, slow: 0 };
    const perModelInFlight: Record<string, number> = { fast: 0, slow: 0 };
    let overlapWithinModel = false;
    const gateway = createFakeGateway({
      latencyMs: (request) => {
        perModelInFlight[request.model!]! += 1;
        if (perModelInFlight[request.model!]! > 1) overlapWithinModel = true;
        setTimeout(() => (perModelInFlight[request.model!]! -= 1), 10);
        return 10;
      },
      reportedLatencyMs: (request: GenerateRequest) => latencies[request.model!]![seen[request.model!]!++]!,
      usage: { inputTokens: 10, outputTokens: 50 },
      costUsd: 0.01,
    });
    const results = await benchmarkModels({ gateway }, ["fast", { model: "slow", provider: "anthropic" }], "Say hi");
    expect(overlapWithinModel).toBe(false);
    expect(gateway.maxInFlight).toBe(2);
    expect(gateway.calls.every((call) => call.cache === "bypass" && call.purpose === "generation.benchmark")).toBe(true);
    expect(results[0]).toEqual({
      model: "fast",
      provider: null,
      runs: 3,
      successes: 3,
      errors: [],
      meanLatencyMs: 200,
      p50LatencyMs: 200,
      p95LatencyMs: 300,
      tokensPerSecond: 250,
      totalCostUsd: 0.03,
    });
    expect(results[1]).toMatchObject({ model: "slow", provider: "anthropic", p50LatencyMs: 1100, p95LatencyMs: 1200, tokensPerSecond: 45.45 });
  });

  it("records failed runs and keeps the figures of the successful ones", async () => {
    let call = 0;
    const gateway = createFakeGateway({
      fail: () => (call++ === 1 ? new ProviderError("PROVIDER_TIMEOUT", "Timed out") : null),
      reportedLatencyMs: () => 500,
    });
    const [result] = await benchmarkModels({ gateway }, ["m"], "hi", { runs: 3 });
    expect(result).toMatchObject({ runs: 3, successes: 2, errors: [{ code: "PROVIDER_TIMEOUT", message: "Timed out" }], meanLatencyMs: 500 });
    const failing = createFakeGateway({ fail: () => new ProviderError("PROVIDER_AUTH_FAILED", "Bad key") });
    const [none] = await benchmarkModels({ gateway: failing }, ["m"], "hi", { runs: 2 });
    expect(none).toMatchObject({ successes: 0, meanLatencyMs: null, p50LatencyMs: null, p95LatencyMs: null, tokensPerSecond: 0 });
  });

  it("validates models, prompt and runs", async () => {
    const gateway = createFakeGateway();
    await expect(benchmarkModels({ gateway }, [], "hi")).rejects.toBeInstanceOf(GenerationInputError);
    await expect(benchmarkModels({ gateway }, ["a", "a"], "hi")).rejects.toThrow("models[1]: model is listed twice");
    await expect(benchmarkModels({ gateway }, ["a"], " ")).rejects.toThrow("prompt is empty");
    await expect(benchmarkModels({ gateway }, ["a"], "hi", { runs: 0 })).rejects.toThrow("runs must be at least 1");
    await expect(benchmarkModels({ gateway }, ["a"], "hi", { runs: 11 })).rejects.toThrow("runs must be at most 10");
    expect(gateway.calls).toHaveLength(0);
  });
});
