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
