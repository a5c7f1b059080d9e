import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { lastUserText, openaiErrors } from "../../helpers/fake-llm-server.ts";
import { startGenerationHarness, type GenerationHarness } from "../generation/generation-support.ts";

const TOTALS = "calls cachedCalls failedCalls unpricedCalls inputTokens outputTokens cachedInputTokens costUsd errors { code count }";

interface Totals {
  calls: number;
  cachedCalls: number;
  failedCalls: number;
  unpricedCalls: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number;
  errors: { code: string; count: number }[];
}

describe("usage over the call ledger", () => {
  let harness: GenerationHarness;
  let other: TestUserWithKey;

  const prompts = (user: TestUserWithKey, list: string[], model = "gpt-4o-mini") =>
    harness.testApp.graphql(`mutation ($p: [String!], $m: String) { generatePrompts(prompts: $p, model: $m) { summary { total } } }`, { p: list, m: model }, user.headers);

  async function ledgerTotals(userId: string) {
    const rows = await harness.testApp.app.services().db.prisma.providerCall.findMany({ where: { userId } });
    return {
      calls: rows.length,
      cachedCalls: rows.filter((row) => row.cacheHit).length,
      failedCalls: rows.filter((row) => row.errorCode !== null).length,
      inputTokens: rows.reduce((sum, row) => sum + row.inputTokens, 0),
      outputTokens: rows.reduce((sum, row) => sum + row.outputTokens, 0),
      costUsd: rows.reduce((sum, row) => sum + row.costUsd, 0),
    };
  }

  beforeAll(async () => {
    harness = await startGenerationHarness();
    other = await createTestUserWithKey(harness.testApp.app.services().db.prisma);
    harness.fake.respond = (request) => (lastUserText(request.body).includes("refuse") ? openaiErrors.badRequest() : undefined);
    await prompts(harness.user, ["one", "two", "please refuse"]);
    await prompts(harness.user, ["one"]); // a cache hit
    await prompts(harness.user, ["three"], "gpt-4o");
    await prompts(harness.user, ["four"], "my-private-model"); // unpriced
    await prompts(other, ["someone else's"]);
  });
  afterAll(async () => {
    await harness.close();
  });

  it("totals equal the sum of the caller's ledger rows, and the groups add up to the totals", async () => {
    const result = await harness.testApp.graphql<{ usage: { total: Totals; groups: { model: string; purpose: string; day: string | null; totals: Totals }[] } }>(
      `{ usage(groupBy: [MODEL, PURPOSE]) { total { ${TOTALS} } groups { model purpose day totals { ${TOTALS} } } } }`,
      {},
      harness.user.headers,
    );
    expect(result.errors).toBeUndefined();
    const { total, groups } = result.data!.usage;
    const ledger = await ledgerTotals(harness.user.userId);
    expect(total).toMatchObject({ calls: ledger.calls, cachedCalls: ledger.cachedCalls, failedCalls: ledger.failedCalls, inputTokens: ledger.inputTokens, outputTokens: ledger.outputTokens });
    expect(total.costUsd).toBeCloseTo(ledger.costUsd, 8);
    expect(total).toMatchObject({ calls: 6, cachedCalls: 1, failedCalls: 1, unpricedCalls: 1, errors: [{ code: "PROVIDER_BAD_REQUEST", count: 1 }] });
    expect(total.costUsd).toBeGreaterThan(0);
    for (const key of ["calls", "cachedCalls", "failedCalls", "inputTokens", "outputTokens"] as const) {
      expect(groups.reduce((sum, group) => sum + group.totals[key], 0)).toBe(total[key]);
    }
    expect(groups.map((group) => [group.model, group.purpose, group.day, group.totals.calls])).toEqual([
      ["gpt-4o", "generation.prompt", null, 1],
      ["gpt-4o-mini", "generation.prompt", null, 4],
      ["my-private-model", "generation.prompt", null, 1],
    ]);
  });

  it("shows each user only their own calls, grouped by day", async () => {
    const result = await harness.testApp.graphql<{ usage: { total: Totals; groups: { day: string }[] } }>(
      `{ usage(groupBy: [DAY]) { total { calls } groups { day } } }`,
      {},
      other.headers,
    );
    expect(result.data!.usage.total.calls).toBe(1);
    expect(result.data!.usage.groups).toEqual([{ day: new Date().toISOString().slice(0, 10) }]);
  });

  it("sums a batch's document calls on BatchJob.usage and groups them under the batch", async () => {
    const { prisma } = harness.testApp.app.services().db;
    const batch = await prisma.batchJob.create({ data: { userId: harness.user.userId, stages: [] } });
    const document = await prisma.documentJob.create({
      data: { batchId: batch.id, userId: harness.user.userId, filename: "a.pdf", sizeBytes: 1, sha256: "0".repeat(64) },
    });
    const gateway = harness.testApp.app.services().gateway;
    for (const text of ["summarise a", "summarise b"]) {
      await gateway.generate({ purpose: "pipeline.summarize", userId: harness.user.userId, subjectId: document.id, messages: [{ role: "user", content: text }] });
    }
    const rows = await prisma.providerCall.findMany({ where: { subjectId: document.id } });
    const result = await harness.testApp.graphql<{ batch: { usage: Totals }; usage: { groups: { batchId: string; totals: { calls: number } }[] } }>(
      `query ($id: ID!) { batch(id: $id) { usage { ${TOTALS} } } usage(groupBy: [BATCH]) { groups { batchId totals { calls } } } }`,
      { id: batch.id },
      harness.user.headers,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.batch.usage.calls).toBe(2);
    expect(result.data!.batch.usage.costUsd).toBeCloseTo(rows.reduce((sum, row) => sum + row.costUsd, 0), 8);
    expect(result.data!.usage.groups).toContainEqual({ batchId: batch.id, totals: { calls: 2 } });
  });

  it("refuses a range that ends before it starts", async () => {
    const result = await harness.testApp.graphql(`{ usage(from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { total { calls } } }`, {}, harness.user.headers);
    expect(result.errors![0]).toMatchObject({ message: "to must be after from", extensions: { code: "BAD_USER_INPUT" } });
  });

  it("estimates a prompt batch at real-time and batch prices without calling the model", async () => {
    const before = harness.fake.requests.length;
    const result = await harness.testApp.graphql<{ estimateCost: Record<string, number | boolean | string | null> }>(
      `{ estimateCost(model: "gpt-4o-mini", prompts: [{prompt: "Summarise the French revolution."}, {prompt: "Hi", maxTokens: 10}]) {
        provider model prompts inputTokens maxOutputTokens priced inputCostUsd maxCostUsd maxBatchCostUsd } }`,
      {},
      harness.user.headers,
    );
    const estimate = result.data!.estimateCost;
    expect(estimate).toMatchObject({ provider: "openai", model: "gpt-4o-mini", prompts: 2, maxOutputTokens: 1034, priced: true });
    // gpt-4o-mini: $0.15 in / $0.60 out per 1M tokens; the batch API costs half.
    const expected = ((estimate.inputTokens as number) * 0.15 + 1034 * 0.6) / 1e6;
    expect(estimate.maxCostUsd).toBeCloseTo(expected, 8);
    expect(estimate.maxBatchCostUsd).toBeCloseTo(expected / 2, 8);
    expect(harness.fake.requests.length).toBe(before);
  });
});
