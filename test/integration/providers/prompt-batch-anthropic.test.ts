import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../../src/app.ts";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { startFakeBatchServer, type FakeBatchServer } from "../../helpers/fake-batch-server.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.ts";
import { finished, promptBatchClient, startPromptBatchApp } from "./prompt-batch-support.ts";

const MODEL = "claude-haiku-4-5";
// claude-haiku-4-5: $1 in / $5 out per 1M tokens; the fake bills 100 in + 20 out per answer; batch = half.
const BATCH_COST_PER_ANSWER = ((100 * 1 + 20 * 5) / 1e6) * 0.5;

describe("prompt batches through Anthropic Message Batches (fake server over real HTTP)", () => {
  let fake: FakeBatchServer;
  let database: TestDatabase;
  let app: App;
  let user: TestUserWithKey;
  const { graphql, until, results, submit: submitAs } = promptBatchClient(() => app, () => user);
  const submit = (prompts: { prompt: string }[]) => submitAs(prompts, MODEL);

  function startApp(): Promise<App> {
    return startPromptBatchApp(database.url, { LLM_PROVIDER: "anthropic", ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: "sk-ant-test-key" });
  }

  beforeAll(async () => {
    fake = await startFakeBatchServer();
    database = await createTestDatabase();
    app = await startApp();
    user = await createTestUserWithKey(app.services().db.prisma);
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
    expect(submitted).toMatchObject({ status: "SUBMITTING", provider: "anthropic", model: MODEL, requestCounts: { total: 1000 } });
    const done = await until(submitted.id, finished);
    const failing = prompts.filter((prompt) => prompt.prompt.includes("FAIL")).length;
    expect(done).toMatchObject({ status: "COMPLETED", requestCounts: { total: 1000, completed: 1000 - failing, failed: failing }, error: null });
    expect(done.totalCostUsd).toBeCloseTo((1000 - failing) * BATCH_COST_PER_ANSWER, 10);

    // The requests went inline, one message batch, with the prompt as the user message.
    const [batch] = fake.messageBatches();
    expect(fake.messageBatches()).toHaveLength(1);
    expect(batch!.requests[7]).toMatchObject({ custom_id: "quire-7", params: { model: MODEL, messages: [{ role: "user", content: "prompt 7" }] } });

    const all = await results(submitted.id, 1000);
    expect(all.map((result) => result.index)).toEqual(prompts.map((_, i) => i));
    for (const [i, result] of all.entries()) {
      if (prompts[i]!.prompt.includes("FAIL")) expect(result).toMatchObject({ success: false, text: null, error: { code: "PROVIDER_REQUEST_FAILED" }, costUsd: 0 });
      else expect(result).toMatchObject({ prompt: prompts[i]!.prompt, success: true, text: `answer: ${prompts[i]!.prompt}`, error: null });
    }
    const usage = await graphql<{ promptBatchJob: { usage: { calls: number; failedCalls: number; costUsd: number } } }>(
      `query ($id: ID!) { promptBatchJob(id: $id) { usage { calls failedCalls costUsd } } }`,
      { id: submitted.id },
    );
    expect(usage.data!.promptBatchJob.usage).toMatchObject({ calls: 1000, failedCalls: failing });
    expect(usage.data!.promptBatchJob.usage.costUsd).toBeCloseTo(done.totalCostUsd, 8);
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
    const batches = fake.messageBatches().filter((batch) => batch.requests[0]?.params.messages.at(-1)?.content === "restart 0");
    expect(batches).toHaveLength(1);
    expect(await app.services().db.prisma.providerCall.count({ where: { subjectId: submitted.id } })).toBe(200);
  });

  it("cancels: answered prompts keep their results, the rest end CANCELLED with no provider call recorded", async () => {
    fake.perPoll = 5;
    const submitted = await submit(Array.from({ length: 100 }, (_, i) => ({ prompt: `cancel ${i}` })));
    await until(submitted.id, (view) => view.requestCounts.completed >= 5);
    const cancel = await graphql(`mutation ($id: ID!) { cancelPromptBatch(id: $id) { id } }`, { id: submitted.id });
    expect(cancel.errors).toBeUndefined();
    const done = await until(submitted.id, finished);
    expect(done.status).toBe("CANCELLED");
    expect(fake.calls).toContain(`POST /v1/messages/batches/${fake.messageBatches().at(-1)!.id}/cancel`);
    const all = await results(submitted.id, 100);
    const answered = all.filter((result) => result.success);
    expect(answered.length).toBeGreaterThanOrEqual(5);
    expect(answered.length).toBeLessThan(100);
    expect(all.filter((result) => !result.success).every((result) => result.error?.code === "CANCELLED")).toBe(true);
    expect(done.requestCounts).toEqual({ total: 100, completed: answered.length, failed: 100 - answered.length });
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
      expect(all.slice(0, 30).every((result) => result.success)).toBe(true);
      expect(all.slice(30).map((result) => result.error?.code)).toEqual(Array(20).fill("BATCH_EXPIRED"));
    } finally {
      fake.expireAfter = null;
    }
  });
});
