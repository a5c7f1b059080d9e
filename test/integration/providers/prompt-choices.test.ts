import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lastUserText } from "../../helpers/fake-llm-server.ts";
import { chatRequests, startGenerationHarness, type GenerationHarness } from "../generation/generation-support.ts";

const RESULT = "index prompt provider model success text error { code }";

describe("per-prompt choices and generatePromptsLive", () => {
  let harness: GenerationHarness;

  beforeAll(async () => {
    // The default provider is openai; the same fake also speaks Anthropic's wire format.
    harness = await startGenerationHarness({ listen: true, anthropicToo: true });
  });
  afterAll(async () => {
    await harness.close();
  });
  beforeEach(() => {
    harness.fake.reset();
  });

  it("sends each prompt with its own provider, model, system prompt, temperature and output cap", async () => {
    const result = await harness.testApp.graphql<{ generatePrompts: { results: Record<string, unknown>[] } }>(
      `mutation ($inputs: [PromptInput!]) { generatePrompts(prompts: ["plain"], inputs: $inputs, model: "gpt-4o-mini") { results { ${RESULT} } } }`,
      {
        inputs: [
          { prompt: "openai tuned", model: "gpt-4o", system: "Be terse.", temperature: 0.3, maxTokens: 40 },
          { prompt: "anthropic tuned", provider: "anthropic", model: "claude-haiku-4-5", system: "Be kind.", temperature: 1, maxTokens: 60 },
        ],
      },
      harness.user.headers,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.generatePrompts.results).toEqual([
      { index: 0, prompt: "plain", provider: "openai", model: "gpt-4o-mini", success: true, text: "echo: plain", error: null },
      { index: 1, prompt: "openai tuned", provider: "openai", model: "gpt-4o", success: true, text: "echo: openai tuned", error: null },
      { index: 2, prompt: "anthropic tuned", provider: "anthropic", model: "claude-haiku-4-5", success: true, text: "echo: anthropic tuned", error: null },
    ]);
    const byPrompt = (prompt: string) => chatRequests(harness.fake).find((request) => lastUserText(request.body) === prompt)!;
    expect(byPrompt("plain").body).not.toHaveProperty("temperature");
    expect(byPrompt("openai tuned")).toMatchObject({
      path: "/v1/chat/completions",
      body: { model: "gpt-4o", temperature: 0.3, max_completion_tokens: 40, messages: [{ role: "system", content: "Be terse." }, { role: "user" }] },
    });
    expect(byPrompt("anthropic tuned")).toMatchObject({
      path: "/v1/messages",
      body: { model: "claude-haiku-4-5", temperature: 1, max_tokens: 60, system: "Be kind." },
    });
  });

  it("streams each result as it finishes, then the summary", async () => {
    // Prompt i answers after (3 - i) * 80 ms: completion order is the reverse of input order.
    harness.fake.respond = (request) => ({ latencyMs: (3 - Number(lastUserText(request.body).split(" ")[1])) * 80 });
    const events: { kind: string; result: { index: number; success: boolean } | null; summary: { total: number; succeeded: number } | null }[] = [];
    const query = `subscription { generatePromptsLive(prompts: ["prompt 0", "prompt 1", "prompt 2"], maxConcurrent: 3) {
      kind result { index success } summary { total succeeded } } }`;
    for await (const message of harness.ws().iterate({ query })) {
      if (message.errors) throw new Error(JSON.stringify(message.errors));
      events.push((message.data as { generatePromptsLive: (typeof events)[number] }).generatePromptsLive);
    }
    expect(events.map((event) => [event.kind, event.result?.index ?? null])).toEqual([
      ["RESULT", 2],
      ["RESULT", 1],
      ["RESULT", 0],
      ["SUMMARY", null],
    ]);
    expect(events.at(-1)!.summary).toEqual({ total: 3, succeeded: 3 });
  });

  it("refuses an invalid per-prompt setting before any call, naming the prompt", async () => {
    const result = await harness.testApp.graphql(
      `mutation { generatePrompts(inputs: [{prompt: "hot", temperature: 5}]) { results { index } } }`,
      {},
      harness.user.headers,
    );
    expect(result.errors![0]).toMatchObject({ message: "prompts[0]: temperature must be at most 2", extensions: { code: "BAD_USER_INPUT" } });
    expect(harness.fake.requests).toHaveLength(0);
  });
});
