import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anthropicErrors, lastUserText } from "../../helpers/fake-llm-server.ts";
import { chatRequests, creativeFields, formContext, generate, profile, startGenerationHarness, type GenerationHarness } from "./generation-support.ts";

describe("generation through the real gateway (Anthropic wire format)", () => {
  let harness: GenerationHarness;

  beforeAll(async () => {
    harness = await startGenerationHarness({ provider: "anthropic" });
  });
  afterAll(async () => {
    await harness.close();
  });

  it("fills a form over /v1/messages: order, extraction, a failure, the cache, the ledger", async () => {
    harness.fake.latencyMs = 0;
    harness.fake.respond = (request) =>
      lastUserText(request.body).includes("challenge 1 ") ? anthropicErrors.badRequest() : { latencyMs: Math.floor(Math.random() * 100) };
    const fields = [...creativeFields(4, "claude"), { id: "email", label: "Email", type: "EMAIL" }];
    const batch = await generate(harness, { fields, profile, context: formContext, maxParallel: 2 });

    expect(batch.responses.map((response) => [response.fieldId, response.source])).toEqual([
      ["claude-0", "GENERATED"],
      ["claude-1", "FAILED"],
      ["claude-2", "GENERATED"],
      ["claude-3", "GENERATED"],
      ["email", "EXTRACTED"],
    ]);
    expect(batch.responses[0]!.value).toContain("challenge 0 (claude)");
    expect(batch.responses[1]!.error!.code).toBe("PROVIDER_BAD_REQUEST");
    const requests = chatRequests(harness.fake);
    expect(requests).toHaveLength(4);
    const sentKey = (request: (typeof requests)[number]) => request.headers["x-api-key"] ?? request.headers.authorization?.replace(/^Bearer /, "");
    expect(requests.every((request) => request.path === "/v1/messages" && sentKey(request) === "sk-ant-test-key")).toBe(true);
    expect(requests.every((request) => request.body.model === "claude-haiku-4-5")).toBe(true);
    expect(harness.fake.maxInFlight).toBeLessThanOrEqual(2);

    const rows = await harness.testApp.app.services().db.prisma.providerCall.findMany({ where: { subjectId: batch.runId } });
    expect(rows).toHaveLength(4);
    expect(rows.every((row) => row.provider === "anthropic")).toBe(true);
    expect(rows.reduce((sum, row) => sum + row.inputTokens + row.outputTokens, 0)).toBe(batch.summary.totalTokens);
    expect(rows.reduce((sum, row) => sum + row.costUsd, 0)).toBeCloseTo(batch.summary.totalCostUsd, 8);

    harness.fake.reset();
    const again = await generate(harness, { fields: [fields[0]!], profile, context: formContext });
    expect(again.responses[0]!.source).toBe("CACHED");
    expect(harness.fake.requests).toHaveLength(0);
  });

  it("reports that Anthropic has no embeddings, per text, without failing the request", async () => {
    harness.fake.reset();
    const result = await harness.testApp.graphql<{ embedTexts: { vectors: unknown[]; failures: { index: number; code: string }[] } }>(
      `mutation { embedTexts(texts: ["a", "b"]) { vectors failures { index code } } }`,
      {},
      harness.user.headers,
    );
    expect(result.data!.embedTexts).toEqual({
      vectors: [null, null],
      failures: [
        { index: 0, code: "PROVIDER_NOT_CONFIGURED" },
        { index: 1, code: "PROVIDER_NOT_CONFIGURED" },
      ],
    });
    expect(harness.fake.requests).toHaveLength(0);
  });
});
