import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lastUserText, openaiErrors } from "../../helpers/fake-llm-server.ts";
import {
  chatRequests,
  creativeFields,
  formContext,
  generate,
  GENERATE_BATCH,
  profile,
  startGenerationHarness,
  type GenerationHarness,
} from "./generation-support.ts";

describe("generateBatch through the real gateway (OpenAI wire format)", () => {
  let harness: GenerationHarness;

  beforeAll(async () => {
    harness = await startGenerationHarness({ env: { QUIRE_MAX_FIELDS: "12" } });
  });
  afterAll(async () => {
    await harness.close();
  });
  beforeEach(() => {
    harness.fake.reset();
    harness.fake.latencyMs = 0;
  });

  it("answers in input order whatever order the provider finishes in", async () => {
    harness.fake.respond = () => ({ latencyMs: Math.floor(Math.random() * 150) });
    const fields = creativeFields(10, "order");
    const batch = await generate(harness, { fields, profile, context: formContext, maxParallel: 5 });
    expect(batch.responses.map((response) => response.fieldId)).toEqual(fields.map((field) => field.id));
    for (const [index, response] of batch.responses.entries()) {
      expect(response.source).toBe("GENERATED");
      // The fake echoes the prompt, which names the field: each value belongs to its own field.
      expect(response.value).toContain(`challenge ${index} (order)`);
      expect(response.tokens).toBeGreaterThan(0);
      expect(response.costUsd).toBeGreaterThan(0);
    }
    expect(chatRequests(harness.fake)).toHaveLength(10);
    expect(batch.summary).toMatchObject({ totalFields: 10, generatedCount: 10, failedCount: 0, cachedCount: 0, extractedCount: 0 });
  });

  it("fills factual fields from the profile without calling the provider", async () => {
    const fields = [
      { id: "first", label: "First name", type: "TEXT" },
      { id: "last", label: "Last name", type: "TEXT" },
      { id: "email", label: "Email address", type: "EMAIL" },
      { id: "phone", label: "Phone number", type: "PHONE" },
    ];
    const batch = await generate(harness, { fields, profile });
    expect(harness.fake.requests).toHaveLength(0);
    expect(batch.responses.map((response) => [response.fieldId, response.source, response.tokens])).toEqual([
      ["first", "EXTRACTED", 0],
      ["last", "EXTRACTED", 0],
      ["email", "EXTRACTED", 0],
      ["phone", "EXTRACTED", 0],
    ]);
    expect(batch.responses.slice(0, 3).map((response) => response.value)).toEqual(["Ada", "Lovelace", "ada@example.com"]);
    expect(batch.summary).toMatchObject({ extractedCount: 4, totalTokens: 0, totalCostUsd: 0, parallelEfficiency: 0 });
  });

  it("serves a repeated field from the response cache without a provider call", async () => {
    const fields = creativeFields(1, "repeat");
    const first = await generate(harness, { fields, profile, context: formContext });
    expect(first.responses[0]!.source).toBe("GENERATED");
    expect(chatRequests(harness.fake)).toHaveLength(1);
    const again = await generate(harness, { fields: [{ ...fields[0]!, id: "same-question-other-form" }], profile, context: formContext });
    expect(chatRequests(harness.fake)).toHaveLength(1);
    expect(again.responses[0]).toMatchObject({ source: "CACHED", cached: true, tokens: 0, costUsd: 0, value: first.responses[0]!.value });
    expect(again.summary).toMatchObject({ cachedCount: 1, generatedCount: 0, totalTokens: 0 });
  });

  it("keeps at most maxParallel calls in flight", async () => {
    harness.fake.latencyMs = 80;
    const batch = await generate(harness, { fields: creativeFields(9, "parallel"), profile, context: formContext, maxParallel: 3 });
    expect(batch.summary.generatedCount).toBe(9);
    expect(harness.fake.maxInFlight).toBe(3);
    // 9 calls of 80 ms, three at a time: three rounds, not one and not nine.
    expect(batch.summary.totalTimeMs).toBeGreaterThanOrEqual(3 * 80 - 10);
    expect(batch.summary.parallelEfficiency).toBeGreaterThan(0.5);
  });

  it("fails only the field the provider refuses", async () => {
    harness.fake.respond = (request) => (lastUserText(request.body).includes("challenge 2 ") ? openaiErrors.badRequest() : undefined);
    const batch = await generate(harness, { fields: creativeFields(5, "failing"), profile, context: formContext });
    expect(batch.responses.map((response) => response.source)).toEqual(["GENERATED", "GENERATED", "FAILED", "GENERATED", "GENERATED"]);
    expect(batch.responses[2]).toMatchObject({ value: "", error: { code: "PROVIDER_BAD_REQUEST" } });
    expect(batch.responses[2]!.error!.message).not.toContain("sk-test");
    expect(batch.summary).toMatchObject({ generatedCount: 4, failedCount: 1 });
  });

  it("records every call in the ledger, and the ledger agrees with the summary", async () => {
    await generate(harness, { fields: creativeFields(1, "ledger"), profile, context: formContext }); // caches ledger-0
    harness.fake.reset();
    harness.fake.respond = (request) => (lastUserText(request.body).includes("challenge 1 ") ? openaiErrors.badRequest() : undefined);
    const fields = [...creativeFields(4, "ledger"), { id: "email", label: "Email", type: "EMAIL" }];
    const batch = await generate(harness, { fields, profile, context: formContext });
    expect(batch.responses.map((response) => response.source)).toEqual(["CACHED", "FAILED", "GENERATED", "GENERATED", "EXTRACTED"]);

    const rows = await harness.testApp.app.services().db.prisma.providerCall.findMany({ where: { subjectId: batch.runId } });
    // One row per field that reached the gateway (cache hit and failure included), none for EXTRACTED.
    expect(rows).toHaveLength(4);
    expect(rows.every((row) => row.userId === harness.user.userId && row.purpose === "generation.field")).toBe(true);
    expect(rows.filter((row) => row.cacheHit)).toHaveLength(1);
    expect(rows.filter((row) => row.errorCode === "PROVIDER_BAD_REQUEST")).toHaveLength(1);
    // Provider calls made = attempts in the ledger = requests the provider saw.
    expect(rows.reduce((sum, row) => sum + row.attempts, 0)).toBe(chatRequests(harness.fake).length);
    expect(chatRequests(harness.fake)).toHaveLength(3);
    const ledgerTokens = rows.reduce((sum, row) => sum + row.inputTokens + row.outputTokens, 0);
    const ledgerCost = rows.reduce((sum, row) => sum + row.costUsd, 0);
    expect(ledgerTokens).toBe(batch.summary.totalTokens);
    expect(ledgerTokens).toBe(batch.responses.reduce((sum, response) => sum + response.tokens, 0));
    expect(ledgerCost).toBeCloseTo(batch.summary.totalCostUsd, 8);
    expect(batch.summary.totalCostUsd).toBeGreaterThan(0);
  });

  describe("invalid input: BAD_USER_INPUT with a clear message, before any model call", () => {
    const cases: [string, unknown[], string][] = [
      ["an empty list", [], "fields must contain at least one field"],
      ["too many fields (QUIRE_MAX_FIELDS=12)", creativeFields(13, "many"), "fields may contain at most 12 fields"],
      [
        "duplicate ids",
        [
          { id: "a", label: "First", type: "TEXT" },
          { id: "a", label: "Second", type: "TEXT" },
        ],
        'Field "a": duplicate id (also used by fields[0])',
      ],
      ["SELECT without options", [{ id: "country", label: "Which office?", type: "SELECT" }], 'Field "country": SELECT fields need at least one option'],
    ];
    it.each(cases)("%s", async (_name, fields, message) => {
      const result = await harness.testApp.graphql(GENERATE_BATCH, { fields, profile }, harness.user.headers);
      expect(result.data).toBeNull();
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]!.message).toBe(message);
      expect(result.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", issues: [{ message }] });
      expect(harness.fake.requests).toHaveLength(0);
    });

    it("reports every problem at once", async () => {
      const fields = [
        { id: "x", label: "Pick", type: "RADIO" },
        { id: "x", label: "Again", type: "TEXT" },
      ];
      const result = await harness.testApp.graphql(GENERATE_BATCH, { fields, maxParallel: 99 }, harness.user.headers);
      const issues = result.errors![0]!.extensions!.issues as { path: unknown[]; message: string }[];
      expect(issues.map((issue) => issue.message).sort()).toEqual(
        ['Field "x": RADIO fields need at least one option', 'Field "x": duplicate id (also used by fields[0])', "maxParallel must be at most 50"].sort(),
      );
    });
  });

  it("needs an API key", async () => {
    const result = await harness.testApp.graphql(GENERATE_BATCH, { fields: creativeFields(1, "anon") });
    expect(result.errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    expect(harness.fake.requests).toHaveLength(0);
  });
});
