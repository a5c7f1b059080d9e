import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../../src/app.ts";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { startFakeBatchServer, type FakeBatchServer } from "../../helpers/fake-batch-server.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.ts";
import { finished, promptBatchClient, startPromptBatchApp, type JobView } from "./prompt-batch-support.ts";

// gpt-4o-mini: $0.15 in / $0.60 out per 1M tokens; the fake bills 100 in + 20 out per answer; batch = half.
const BATCH_COST_PER_ANSWER = ((100 * 0.15 + 20 * 0.6) / 1e6) * 0.5;

describe("prompt batches through the OpenAI Batch API (fake server over real HTTP)", () => {
  let fake: FakeBatchServer;
  let database: TestDatabase;
  let app: App;
  let user: TestUserWithKey;
  let other: TestUserWithKey;
  const { graphql, until, results, submit: submitAs } = promptBatchClient(() => app, () => user);
  const submit = (prompts: { prompt: string }[]) => submitAs(prompts, "gpt-4o-mini");

  function startApp(): Promise<App> {
    return startPromptBatchApp(database.url, { LLM_PROVIDER: "openai", OPENAI_BASE_URL: fake.openaiBaseUrl, OPENAI_API_KEY: "sk-test-key" });
  }

  beforeAll(async () => {
    fake = await startFakeBatchServer();
    database = await createTestDatabase();
    app = await startApp();
    user = await createTestUserWithKey(app.services().db.prisma);
    other = await createTestUserWithKey(app.services().db.prisma);
  });
  afterAll(async () => {
    await app.stop();
    await database.drop();
    await fake.close();
  });

  it("completes 1,000 prompts with results in input order at batch price; a failing request fails alone", async () => {
    fake.perPoll = 400;
    const prompts = Array.from({ length: 1000 }, (_, i) => ({ prompt: i % 97 === 5 ? `prompt ${i} FAIL` : `prompt ${i}` }));
    const submitted = await submit(prompts);
    expect(submitted).toMatchObject({ status: "SUBMITTING", provider: "openai", model: "gpt-4o-mini", requestCounts: { total: 1000 } });
    const done = await until(submitted.id, finished);
    const failing = prompts.filter((prompt) => prompt.prompt.includes("FAIL")).length;
    expect(done).toMatchObject({ status: "COMPLETED", requestCounts: { total: 1000, completed: 1000 - failing, failed: failing }, error: null });
    expect(done.totalCostUsd).toBeCloseTo((1000 - failing) * BATCH_COST_PER_ANSWER, 10);

    const all = await results(submitted.id, 1000);
    expect(all.map((result) => result.index)).toEqual(prompts.map((_, i) => i));
    for (const [i, result] of all.entries()) {
      if (prompts[i]!.prompt.includes("FAIL")) expect(result).toMatchObject({ success: false, text: null, error: { code: "PROVIDER_REQUEST_FAILED" }, costUsd: 0 });
      else expect(result).toMatchObject({ prompt: prompts[i]!.prompt, success: true, text: `answer: ${prompts[i]!.prompt}`, error: null });
    }
    // One ledger row per request, at batch price: usage of the job equals the job's cost.
    const usage = await graphql<{ promptBatchJob: { usage: { calls: number; failedCalls: number; costUsd: number } } }>(
      `query ($id: ID!) { promptBatchJob(id: $id) { usage { calls failedCalls costUsd } } }`,
      { id: submitted.id },
    );
    expect(usage.data!.promptBatchJob.usage).toMatchObject({ calls: 1000, failedCalls: failing });
    expect(usage.data!.promptBatchJob.usage.costUsd).toBeCloseTo(done.totalCostUsd, 8);
    // Another user cannot see it.
    const foreign = await graphql(`query ($id: ID!) { promptBatchJob(id: $id) { id } }`, { id: submitted.id }, other);
    expect(foreign.errors![0]!.extensions).toMatchObject({ code: "NOT_FOUND" });
  });

  it("survives a restart of Quire and of the provider mid-way: polling resumes and nothing is lost or submitted twice", async () => {
    fake.perPoll = 20;
    const prompts = Array.from({ length: 200 }, (_, i) => ({ prompt: `restart ${i}` }));
    const submitted = await submit(prompts);
    await until(submitted.id, (view) => view.status === "RUNNING" && view.requestCounts.completed > 0);
    await app.stop();
    await fake.stop();
    await fake.restart();
    app = await startApp();
    const done = await until(submitted.id, finished);
    expect(done).toMatchObject({ status: "COMPLETED", requestCounts: { total: 200, completed: 200, failed: 0 } });
    const all = await results(submitted.id, 200);
    expect(all.map((result) => result.text)).toEqual(prompts.map((prompt) => `answer: ${prompt.prompt}`));
    const batches = fake.batches().filter((batch) => batch.requests[0]?.body.messages.at(-1)?.content === "restart 0");
    expect(batches).toHaveLength(1);
    expect(await app.services().db.prisma.providerCall.count({ where: { subjectId: submitted.id } })).toBe(200);
  });

  it("cancels: answered prompts keep their results, the rest end CANCELLED", async () => {
    fake.perPoll = 5;
    const submitted = await submit(Array.from({ length: 100 }, (_, i) => ({ prompt: `cancel ${i}` })));
    await until(submitted.id, (view) => view.requestCounts.completed >= 5);
    const cancel = await graphql<{ cancelPromptBatch: JobView }>(`mutation ($id: ID!) { cancelPromptBatch(id: $id) { id } }`, { id: submitted.id });
    expect(cancel.errors).toBeUndefined();
    const done = await until(submitted.id, finished);
    expect(done.status).toBe("CANCELLED");
    const all = await results(submitted.id, 100);
    const answered = all.filter((result) => result.success);
    expect(answered.length).toBeGreaterThanOrEqual(5);
    expect(answered.length).toBeLessThan(100);
    expect(all.filter((result) => !result.success).every((result) => result.error?.code === "CANCELLED")).toBe(true);
    expect(done.requestCounts).toEqual({ total: 100, completed: answered.length, failed: 100 - answered.length });
    // The cancel's wake runs a second advance beside the polling one: still one ledger row per answer.
    expect(await app.services().db.prisma.providerCall.count({ where: { subjectId: submitted.id } })).toBe(answered.length);
  });

  it("expires: prompts the provider answered keep their results, the rest fail with BATCH_EXPIRED", async () => {
    fake.perPoll = 10;
    fake.expireAfter = 30;
    try {
      const submitted = await submit(Array.from({ length: 50 }, (_, i) => ({ prompt: `expire ${i}` })));
      const done = await until(submitted.id, finished);
      expect(done).toMatchObject({ status: "EXPIRED", requestCounts: { total: 50, completed: 30, failed: 20 } });
      const all = await results(submitted.id, 50);
      expect(all.filter((result) => !result.success).map((result) => result.error?.code)).toEqual(Array(20).fill("BATCH_EXPIRED"));
    } finally {
      fake.expireAfter = null;
    }
  });
});
