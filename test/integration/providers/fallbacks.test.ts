import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGenerationHarness, type GenerationHarness } from "../generation/generation-support.ts";

const PROMPTS = `mutation ($p: [String!]) { generatePrompts(prompts: $p) { results { success provider model text error { code } } } }`;

describe("LLM_FALLBACKS", () => {
  let harness: GenerationHarness;

  beforeAll(async () => {
    harness = await startGenerationHarness({
      anthropicToo: true,
      env: {
        LLM_FALLBACKS: JSON.stringify({ "generation.prompt": ["anthropic:claude-haiku-4-5"] }),
        LLM_MAX_ATTEMPTS: "2",
        LLM_CACHE: "false",
      },
    });
    // The primary (OpenAI wire format) is overloaded; the fallback (Anthropic) answers.
    harness.fake.respond = (request) => (request.path === "/v1/chat/completions" ? { status: 503 } : undefined);
  });
  afterAll(async () => {
    await harness.close();
  });

  it("answers from the fallback when the primary returns 503s, records which model answered, and cools the primary down", async () => {
    const first = await harness.testApp.graphql<{ generatePrompts: { results: Record<string, unknown>[] } }>(PROMPTS, { p: ["hello"] }, harness.user.headers);
    expect(first.data!.generatePrompts.results).toEqual([
      { success: true, provider: "anthropic", model: "claude-haiku-4-5", text: "echo: hello", error: null },
    ]);
    const primaryCalls = () => harness.fake.requests.filter((request) => request.path === "/v1/chat/completions").length;
    // The primary's retries ran out (LLM_MAX_ATTEMPTS=2) before the fallback answered.
    expect(primaryCalls()).toBe(2);

    const second = await harness.testApp.graphql<{ generatePrompts: { results: Record<string, unknown>[] } }>(PROMPTS, { p: ["again"] }, harness.user.headers);
    expect(second.data!.generatePrompts.results[0]).toMatchObject({ success: true, model: "claude-haiku-4-5" });
    // Cooling down: the second call went straight to the fallback.
    expect(primaryCalls()).toBe(2);

    const ledger = await harness.testApp.app.services().db.prisma.providerCall.findMany({ where: { userId: harness.user.userId }, orderBy: { startedAt: "asc" } });
    expect(ledger.map((row) => [row.model, row.errorCode])).toEqual([
      ["gpt-4o-mini", "PROVIDER_UNAVAILABLE"],
      ["claude-haiku-4-5", null],
      ["claude-haiku-4-5", null],
    ]);
  });

  it("never falls back in a benchmark: the model named is the model measured", async () => {
    const result = await harness.testApp.graphql<{ benchmarkModels: { model: string; successes: number; errors: { code: string }[] }[] }>(
      `mutation { benchmarkModels(models: ["gpt-4o-mini"], prompt: "hi", runs: 1) { model successes errors { code } } }`,
      {},
      harness.user.headers,
    );
    expect(result.data!.benchmarkModels).toEqual([{ model: "gpt-4o-mini", successes: 0, errors: [{ code: "PROVIDER_UNAVAILABLE" }] }]);
  });
});
