import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";

// The default configuration: no model anywhere, only the offline local provider.
describe("offline (local provider): honest answers", () => {
  let testApp: TestApp;
  let user: TestUserWithKey;

  beforeAll(async () => {
    testApp = await startTestApp();
    user = await createTestUserWithKey(testApp.app.services().db.prisma);
  });
  afterAll(async () => {
    await testApp.close();
  });

  it("generatePrompts fails each prompt with MODEL_REQUIRED naming the settings, never echoing it", async () => {
    const result = await testApp.graphql<{ generatePrompts: { results: { success: boolean; text: string | null; error: { code: string; message: string } | null }[] } }>(
      `mutation { generatePrompts(prompts: ["What is 2+2?"]) { results { success text error { code message } } } }`,
      {},
      user.headers,
    );
    const [answer] = result.data!.generatePrompts.results;
    expect(answer).toMatchObject({ success: false, text: null, error: { code: "MODEL_REQUIRED" } });
    expect(answer!.error!.message).toMatch(/OPENAI_BASE_URL.*Ollama.*vLLM.*llama\.cpp.*ANTHROPIC_API_KEY/s);
  });

  it("generateBatch still extracts what the profile answers and fails the rest with MODEL_REQUIRED", async () => {
    const result = await testApp.graphql<{ generateBatch: { responses: { fieldId: string; value: string; source: string; error: { code: string } | null }[] } }>(
      `mutation ($fields: [FormFieldInput!]!, $profile: JSON) { generateBatch(fields: $fields, profile: $profile, context: {company: "Acme"}) {
        responses { fieldId value source error { code } } } }`,
      {
        profile: { firstName: "Ada", email: "ada@example.com", work: [{ company: "Analytical Engines", title: "Lead", years: 10 }] },
        fields: [
          { id: "email", label: "Email", type: "EMAIL" },
          { id: "why", label: "Why do you want to work at Acme?", type: "TEXTAREA" },
          { id: "level", label: "Seniority", type: "SELECT", options: ["Junior", "Senior"] },
        ],
      },
      user.headers,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.generateBatch.responses).toEqual([
      { fieldId: "email", value: "ada@example.com", source: "EXTRACTED", error: null },
      { fieldId: "why", value: "", source: "FAILED", error: { code: "MODEL_REQUIRED" } },
      { fieldId: "level", value: "", source: "FAILED", error: { code: "MODEL_REQUIRED" } },
    ]);
  });

  it("benchmarkModels fails each model that cannot run, instead of substituting the local one", async () => {
    const result = await testApp.graphql<{ benchmarkModels: { model: string; successes: number; errors: { code: string }[] }[] }>(
      `mutation { benchmarkModels(models: ["local-extractive", "gpt-4o-mini"], prompt: "Say hi", runs: 1) { model successes errors { code } } }`,
      {},
      user.headers,
    );
    expect(result.data!.benchmarkModels).toEqual([
      { model: "local-extractive", successes: 0, errors: [{ code: "MODEL_REQUIRED" }] },
      { model: "gpt-4o-mini", successes: 0, errors: [{ code: "PROVIDER_NOT_CONFIGURED" }] },
    ]);
  });

  it("a 10,000-deep JSON profile is a clear BAD_USER_INPUT, not an internal error", async () => {
    // Written by hand: JSON.stringify itself overflows on such a value.
    const deep = `${'{"next":'.repeat(10_000)}"bottom"${"}".repeat(10_000)}`;
    const query = `mutation ($profile: JSON) { generateBatch(fields: [{id: "email", label: "Email", type: EMAIL}], profile: $profile) { runId } }`;
    const response = await testApp.app.yoga.fetch("http://quire.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", ...user.headers },
      body: `{"query":${JSON.stringify(query)},"variables":{"profile":${deep}}}`,
    });
    const result = (await response.json()) as { errors?: { message: string; extensions?: Record<string, unknown> }[] };
    expect(result.errors![0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
    expect(result.errors![0]!.message).toMatch(/profile is nested deeper than \d+ levels/);
  });
});
