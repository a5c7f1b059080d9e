import { describe, expect, it } from "vitest";
import { GenerationInputError } from "../../../src/generation/generation-input-error.ts";
import type { InputIssue } from "../../../src/generation/generation-input-error.ts";
import { generatePrompts } from "../../../src/generation/prompt-batch-service.ts";
import { ProviderError } from "../../../src/providers/provider-types.ts";
import { createFakeGateway } from "./fake-gateway.ts";

const userText = (request: { messages: Array<{ content: unknown }> }) => String(request.messages[0]?.content);

async function issues(promise: Promise<unknown>): Promise<InputIssue[]> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(GenerationInputError);
  return (error as GenerationInputError).issues;
}

describe("generatePrompts", () => {
  it("returns results in input order under random latencies, within maxConcurrent", async () => {
    const gateway = createFakeGateway({ latencyMs: () => 20 + Math.floor(Math.random() * 30), answer: (request) => `re: ${userText(request)}` });
    const prompts = Array.from({ length: 15 }, (_, i) => `prompt ${i}`);
    const { results, summary } = await generatePrompts({ gateway }, prompts, { maxConcurrent: 4, model: "m" });
    expect(results.map((result) => [result.index, result.prompt, result.text])).toEqual(prompts.map((prompt, i) => [i, prompt, `re: ${prompt}`]));
    expect(gateway.maxInFlight).toBeLessThanOrEqual(4);
    expect(gateway.calls.every((call) => call.model === "m" && call.purpose === "generation.prompt")).toBe(true);
    expect(summary).toMatchObject({ total: 15, succeeded: 15, failed: 0, totalTokens: 15 * 120 });
  });

  it("keeps going when some prompts fail", async () => {
    const gateway = createFakeGateway({ fail: (request) => (userText(request) === "bad" ? new ProviderError("PROVIDER_BAD_REQUEST", "Rejected") : null) });
    const { results, summary } = await generatePrompts({ gateway }, ["ok", "bad", "ok too"]);
    expect(results.map((result) => result.success)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ text: null, error: { code: "PROVIDER_BAD_REQUEST", message: "Rejected" } });
    expect(summary).toMatchObject({ succeeded: 2, failed: 1 });
  });

  it("validates the list, each prompt and maxConcurrent", async () => {
    const gateway = createFakeGateway();
    expect(await issues(generatePrompts({ gateway }, []))).toEqual([{ path: ["prompts"], message: "prompts must contain at least one prompt" }]);
    expect(await issues(generatePrompts({ gateway }, ["a", "  "]))).toEqual([{ path: ["prompts", 1], message: "prompts[1]: prompt is empty" }]);
    expect((await issues(generatePrompts({ gateway }, ["a", "b", "c"], { maxPrompts: 2 })))[0]?.message).toBe("prompts may contain at most 2 prompts");
    expect((await issues(generatePrompts({ gateway }, ["a"], { maxConcurrent: 0 })))[0]?.message).toBe("maxConcurrent must be at least 1");
    expect((await issues(generatePrompts({ gateway }, ["a"], { maxConcurrent: 51 })))[0]?.message).toBe("maxConcurrent must be at most 50");
    expect((await issues(generatePrompts({ gateway }, ["x".repeat(11)], { maxPromptChars: 10 })))[0]?.message).toContain("longer than 10");
    expect(gateway.calls).toHaveLength(0);
  });

  it("marks outstanding prompts ABORTED when cancelled", async () => {
    const gateway = createFakeGateway({ latencyMs: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const { results } = await generatePrompts({ gateway }, ["a", "b", "c"], { maxConcurrent: 1, signal: controller.signal });
    expect(results.map((result) => result.error?.code)).toEqual(["ABORTED", "ABORTED", "ABORTED"]);
  });
});

describe("generatePrompts per-prompt choices", () => {
  it("sends each prompt with its own provider, model, system prompt, temperature and output cap", async () => {
    const gateway = createFakeGateway({ answer: (request) => `${request.model ?? "default"} says hi` });
    const { results } = await generatePrompts({ gateway }, [
      "plain",
      { prompt: "tuned", provider: "anthropic", model: "claude-haiku-4-5", system: "Be terse.", temperature: 0.2, maxTokens: 50 },
    ], { model: "gpt-4o-mini", maxOutputTokens: 300 });
    expect(gateway.calls.map((call) => [call.provider, call.model, call.messages, call.temperature, call.maxOutputTokens])).toEqual([
      [undefined, "gpt-4o-mini", [{ role: "user", content: "plain" }], undefined, 300],
      [
        "anthropic",
        "claude-haiku-4-5",
        [
          { role: "system", content: "Be terse." },
          { role: "user", content: "tuned" },
        ],
        0.2,
        50,
      ],
    ]);
    expect(results.map((result) => [result.prompt, result.text])).toEqual([
      ["plain", "gpt-4o-mini says hi"],
      ["tuned", "claude-haiku-4-5 says hi"],
    ]);
  });

  it("names the prompt and the setting that is wrong", async () => {
    const gateway = createFakeGateway();
    const found = await issues(generatePrompts({ gateway }, ["ok", { prompt: "hot", temperature: 3, maxTokens: 0 }]));
    expect(found.map((issue) => issue.message)).toEqual(["prompts[1]: temperature must be at most 2", "prompts[1]: maxTokens must be at least 1"]);
    expect(gateway.calls).toHaveLength(0);
  });
});
