import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lastUserText, openaiErrors } from "../../helpers/fake-llm-server.ts";
import { chatRequests, startGenerationHarness, type GenerationHarness } from "./generation-support.ts";

const GENERATE_PROMPTS = `mutation ($prompts: [String!]!, $model: String, $maxConcurrent: Int) {
  generatePrompts(prompts: $prompts, model: $model, maxConcurrent: $maxConcurrent) {
    results { index prompt success text error { code message } tokens latencyMs costUsd cached }
    summary { total succeeded failed cachedCount totalTokens totalCostUsd totalTimeMs } } }`;

const BENCHMARK = `mutation ($models: [String!]!, $prompt: String!, $runs: Int) {
  benchmarkModels(models: $models, prompt: $prompt, runs: $runs) {
    model runs successes errors { code } meanLatencyMs p50LatencyMs p95LatencyMs tokensPerSecond totalCostUsd } }`;

interface PromptResultView {
  index: number;
  prompt: string;
  success: boolean;
  text: string | null;
  error: { code: string; message: string } | null;
  tokens: number;
  cached: boolean;
}

interface BenchmarkView {
  model: string;
  runs: number;
  successes: number;
  errors: { code: string }[];
  meanLatencyMs: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  tokensPerSecond: number;
  totalCostUsd: number;
}

describe("generatePrompts and benchmarkModels through the real gateway", () => {
  let harness: GenerationHarness;

  beforeAll(async () => {
    harness = await startGenerationHarness();
  });
  afterAll(async () => {
    await harness.close();
  });
  beforeEach(() => {
    harness.fake.reset();
    harness.fake.latencyMs = 0;
  });

  it("generatePrompts reports failed prompts in their results and completes the rest", async () => {
    harness.fake.respond = (request) =>
      lastUserText(request.body).includes("refuse") ? openaiErrors.badRequest() : { latencyMs: Math.floor(Math.random() * 80) };
    const prompts = ["first question", "please refuse this one", "third question", "fourth question"];
    const result = await harness.testApp.graphql<{ generatePrompts: { results: PromptResultView[]; summary: Record<string, number> } }>(
      GENERATE_PROMPTS,
      { prompts, model: "gpt-4o", maxConcurrent: 2 },
      harness.user.headers,
    );
    const { results, summary } = result.data!.generatePrompts;
    expect(results.map((entry) => [entry.index, entry.prompt, entry.success])).toEqual([
      [0, "first question", true],
      [1, "please refuse this one", false],
      [2, "third question", true],
      [3, "fourth question", true],
    ]);
    expect(results[0]).toMatchObject({ text: "echo: first question", error: null, cached: false });
    expect(results[1]).toMatchObject({ text: null, error: { code: "PROVIDER_BAD_REQUEST" }, tokens: 0 });
    expect(summary).toMatchObject({ total: 4, succeeded: 3, failed: 1, cachedCount: 0 });
    expect(summary.totalTokens).toBe(results.reduce((sum, entry) => sum + entry.tokens, 0));
    expect(chatRequests(harness.fake).every((request) => request.body.model === "gpt-4o")).toBe(true);
    expect(harness.fake.maxInFlight).toBeLessThanOrEqual(2);
  });

  it("generatePrompts rejects invalid input, naming the prompt", async () => {
    const result = await harness.testApp.graphql(GENERATE_PROMPTS, { prompts: ["fine", "   "] }, harness.user.headers);
    expect(result.errors![0]).toMatchObject({ message: "prompts[1]: prompt is empty", extensions: { code: "BAD_USER_INPUT" } });
    expect(harness.fake.requests).toHaveLength(0);
  });

  it("benchmarkModels runs each model `runs` times past the cache and reports per-model figures", async () => {
    harness.fake.respond = (request) => (request.body.model === "no-such-model" ? openaiErrors.modelNotFound() : { latencyMs: 40 });
    const result = await harness.testApp.graphql<{ benchmarkModels: BenchmarkView[] }>(
      BENCHMARK,
      { models: ["gpt-4o-mini", "no-such-model", "gpt-4o"], prompt: "Say hi", runs: 3 },
      harness.user.headers,
    );
    const [mini, missing, large] = result.data!.benchmarkModels;
    for (const [benchmark, model] of [
      [mini, "gpt-4o-mini"],
      [large, "gpt-4o"],
    ] as const) {
      expect(benchmark).toMatchObject({ model, runs: 3, successes: 3, errors: [] });
      expect(benchmark!.meanLatencyMs).toBeGreaterThanOrEqual(40);
      expect(benchmark!.p50LatencyMs).toBeGreaterThanOrEqual(40);
      expect(benchmark!.p95LatencyMs).toBeGreaterThanOrEqual(benchmark!.p50LatencyMs!);
      expect(benchmark!.tokensPerSecond).toBeGreaterThan(0);
      expect(benchmark!.totalCostUsd).toBeGreaterThan(0);
    }
    expect(missing).toMatchObject({ model: "no-such-model", runs: 3, successes: 0, meanLatencyMs: null, p50LatencyMs: null, tokensPerSecond: 0 });
    expect(missing!.errors.map((error) => error.code)).toEqual(["PROVIDER_UNKNOWN_MODEL", "PROVIDER_UNKNOWN_MODEL", "PROVIDER_UNKNOWN_MODEL"]);
    // Same prompt three times per model, yet every run reached the provider: the cache is bypassed.
    const byModel = (model: string) => chatRequests(harness.fake).filter((request) => request.body.model === model).length;
    expect([byModel("gpt-4o-mini"), byModel("no-such-model"), byModel("gpt-4o")]).toEqual([3, 3, 3]);
    // A model's runs run one after another.
    const miniRequests = chatRequests(harness.fake).filter((request) => request.body.model === "gpt-4o-mini");
    for (let i = 1; i < miniRequests.length; i++) expect(miniRequests[i]!.receivedAt).toBeGreaterThanOrEqual(miniRequests[i - 1]!.finishedAt!);
  });

  it("benchmarkModels rejects a model listed twice", async () => {
    const result = await harness.testApp.graphql(BENCHMARK, { models: ["gpt-4o", "gpt-4o"], prompt: "hi" }, harness.user.headers);
    expect(result.errors![0]).toMatchObject({ message: "models[1]: model is listed twice", extensions: { code: "BAD_USER_INPUT" } });
  });
});
