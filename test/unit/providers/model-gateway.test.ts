import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createModelGateway } from "../../../src/providers/model-gateway.ts";
import type { ModelGatewayService } from "../../../src/providers/model-gateway.ts";
import type { ProviderLayerOptions } from "../../../src/providers/provider-options.ts";
import { ProviderError } from "../../../src/providers/provider-types.ts";
import type { GenerateRequest, ProviderErrorCode } from "../../../src/providers/provider-types.ts";
import { anthropicErrors, openaiErrors, startFakeLlmServer } from "../../helpers/fake-llm-server.ts";
import type { ScriptedResponse } from "../../helpers/fake-llm-server.ts";
import { InMemoryCache, InMemoryLedger, MemoryLogger } from "./in-memory-stores.ts";

const OPENAI_KEY = "sk-test-GATEWAY-OPENAI-SECRET-42";
const ANTHROPIC_KEY = "sk-ant-test-GATEWAY-ANTHROPIC-SECRET-42";
const server = await startFakeLlmServer();
afterAll(() => server.close());

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

interface WireFormat {
  provider: "openai" | "anthropic";
  model: string;
  key: string;
  rateLimited: (seconds?: number) => ScriptedResponse;
  serverError: () => ScriptedResponse;
  notRetried: [string, ScriptedResponse, ProviderErrorCode][];
  truncated: ScriptedResponse;
}

const formats: WireFormat[] = [
  {
    provider: "openai",
    model: "gpt-4o-mini",
    key: OPENAI_KEY,
    rateLimited: openaiErrors.rateLimited,
    serverError: openaiErrors.serverError,
    notRetried: [
      ["400", openaiErrors.badRequest(), "PROVIDER_BAD_REQUEST"],
      ["401", openaiErrors.invalidKey(OPENAI_KEY), "PROVIDER_AUTH_FAILED"],
      ["403", openaiErrors.permissionDenied(), "PROVIDER_AUTH_FAILED"],
      ["spend limit", openaiErrors.insufficientQuota(), "PROVIDER_SPEND_LIMIT"],
    ],
    truncated: {
      body: {
        id: "x", object: "chat.completion", created: 0, model: "gpt-4o-mini",
        choices: [{ index: 0, message: { role: "assistant", content: "cut" }, finish_reason: "length" }],
        usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
      },
    },
  },
  {
    provider: "anthropic",
    model: "claude-haiku-4-5",
    key: ANTHROPIC_KEY,
    rateLimited: anthropicErrors.rateLimited,
    serverError: anthropicErrors.overloaded,
    notRetried: [
      ["400", anthropicErrors.badRequest(), "PROVIDER_BAD_REQUEST"],
      ["401", anthropicErrors.invalidKey(ANTHROPIC_KEY), "PROVIDER_AUTH_FAILED"],
      ["403", anthropicErrors.permissionDenied(), "PROVIDER_AUTH_FAILED"],
      ["spend limit", anthropicErrors.spendLimit(), "PROVIDER_SPEND_LIMIT"],
      ["billing", anthropicErrors.billing(), "PROVIDER_SPEND_LIMIT"],
    ],
    truncated: {
      body: {
        id: "m", type: "message", role: "assistant", model: "claude-haiku-4-5",
        content: [{ type: "text", text: "cut" }], stop_reason: "max_tokens", stop_sequence: null,
        usage: { input_tokens: 5, output_tokens: 5 },
      },
    },
  },
];

describe.each(formats)("model gateway over the $provider wire format", (format) => {
  let ledger: InMemoryLedger;
  let cache: InMemoryCache;
  let logger: MemoryLogger;
  const gateways: ModelGatewayService[] = [];

  function gateway(options: ProviderLayerOptions = {}): ModelGatewayService {
    const created = createModelGateway({
      options: {
        provider: format.provider,
        model: format.model,
        embeddingProvider: "openai",
        openaiApiKey: OPENAI_KEY,
        openaiBaseUrl: server.openaiBaseUrl,
        anthropicApiKey: ANTHROPIC_KEY,
        anthropicBaseUrl: server.anthropicBaseUrl,
        backoffBaseMs: 20,
        backoffMaxMs: 200,
        timeoutMs: 2_000,
        budgetWindowMs: 400,
        ...options,
      },
      cache,
      ledger,
      logger,
      random: () => 1,
    });
    gateways.push(created);
    return created;
  }

  const ask = (prompt: string, extra: Partial<GenerateRequest> = {}): GenerateRequest => ({
    purpose: "test.generate",
    userId: "user-1",
    subjectId: "doc-1",
    messages: [{ role: "user", content: prompt }],
    maxOutputTokens: 32,
    ...extra,
  });

  beforeEach(() => {
    server.reset();
    server.latencyMs = 0;
    ledger = new InMemoryLedger();
    cache = new InMemoryCache();
    logger = new MemoryLogger();
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((created) => created.close()));
    // Let aborted requests settle before the next test resets the counters.
    await expect.poll(() => server.inFlight).toBe(0);
  });

  it("returns results in request order and never exceeds maxConcurrent", async () => {
    const models = gateway({ limits: { maxConcurrent: 3 } });
    // Latencies vary so answers come back out of order.
    server.respond = (request) => ({ latencyMs: [150, 40, 90, 60, 120][request.seq % 5] });
    const prompts = Array.from({ length: 10 }, (_, i) => `prompt ${i}`);
    const results = await Promise.all(prompts.map((prompt) => models.generate(ask(prompt))));
    expect(results.map((result) => result.text)).toEqual(prompts.map((prompt) => `echo: ${prompt}`));
    expect(server.maxInFlight).toBeLessThanOrEqual(3);
    // Reached, not just respected (a very busy machine may dispatch the third a bit late).
    expect(server.maxInFlight).toBeGreaterThanOrEqual(2);
    expect(results.every((result) => result.provider === format.provider && result.model === format.model)).toBe(true);
  });

  it("delays calls beyond the request budget", async () => {
    // The budget (400 ms windows here) refreshes no sooner than a window after the limiter is
    // made, which is after `started`: a lower bound, true however slow the machine is.
    const models = gateway({ limits: { requestsPerMinute: 2 } });
    const started = performance.now();
    await Promise.all([1, 2, 3].map((i) => models.generate(ask(`rpm ${i}`))));
    expect(server.requests[2]!.receivedAt - started).toBeGreaterThan(350);
  });

  it("delays calls beyond the token budget, counted before the call", async () => {
    // Each call weighs ~10 prompt tokens + 32 max output tokens: two fit in 100, three do not.
    const models = gateway({ limits: { tokensPerMinute: 100 } });
    const started = performance.now();
    await Promise.all([1, 2, 3].map((i) => models.generate(ask(`tpm ${i}`))));
    const [, second, third] = server.requests;
    expect(third!.receivedAt - started).toBeGreaterThan(350);
    expect(third!.receivedAt - second!.receivedAt).toBeGreaterThan(0);
  });

  it("pauses every queued call of the provider for a 429's Retry-After, then retries through the limiter", async () => {
    const models = gateway({ limits: { maxConcurrent: 2 } });
    server.respond = () => ({ latencyMs: 60 });
    server.script({ ...format.rateLimited(1), latencyMs: 0 });
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => models.generate(ask(`queued ${i}`))));
    expect(results.map((result) => result.text)).toEqual([0, 1, 2, 3, 4].map((i) => `echo: queued ${i}`));

    const limited = server.requests[0]!;
    const pauseStart = limited.finishedAt!;
    const later = server.requests.filter((request) => request.seq >= 2);
    expect(later).toHaveLength(4); // three queued calls + the retry of the limited one
    // Nothing reached the provider during the pause window (the one call already in flight excepted).
    for (const request of later) expect(request.receivedAt - pauseStart).toBeGreaterThan(900);
    expect(ledger.entries.map((entry) => entry.attempts).sort()).toEqual([1, 1, 1, 1, 2]);
  });

  it("backs off with growing delays and gives up after maxAttempts", async () => {
    // random() pinned to 1: delays are exactly 50, 100, 200 ms (lower bounds survive a busy CI).
    const models = gateway({ maxAttempts: 4, backoffBaseMs: 50 });
    server.respond = () => format.serverError();
    const error = await failure(models.generate(ask("always failing")));
    expect(error.code).toBe("PROVIDER_UNAVAILABLE");
    expect(server.requests).toHaveLength(4);
    const gaps = server.requests.slice(1).map((request, i) => request.receivedAt - server.requests[i]!.receivedAt);
    expect(gaps[0]!).toBeGreaterThanOrEqual(48);
    expect(gaps[1]!).toBeGreaterThanOrEqual(98);
    expect(gaps[2]!).toBeGreaterThanOrEqual(198);
    expect(gaps[2]!).toBeGreaterThan(gaps[0]!);
    expect(ledger.entries).toMatchObject([{ errorCode: "PROVIDER_UNAVAILABLE", attempts: 4, costUsd: 0, cacheHit: false }]);
  });

  it("retries dropped connections and timeouts, then succeeds", async () => {
    const models = gateway({ timeoutMs: 150 });
    server.script({ drop: true }, { latencyMs: 1_000 });
    const result = await models.generate(ask("flaky"));
    expect(result.text).toBe("echo: flaky");
    expect(server.requests).toHaveLength(3);
    expect(ledger.entries[0]).toMatchObject({ attempts: 3, errorCode: null });
  });

  it.each(format.notRetried)("does not retry %s", async (_name, scripted, code) => {
    const models = gateway();
    server.script(scripted);
    const error = await failure(models.generate(ask("refused")));
    expect(error.code).toBe(code);
    expect(server.requests).toHaveLength(1);
    expect(ledger.entries).toMatchObject([{ errorCode: code, attempts: 1 }]);
    expect(error.message).not.toContain(format.key);
  });

  it("fires the per-attempt timeout", async () => {
    const models = gateway({ timeoutMs: 100, maxAttempts: 1 });
    server.latencyMs = 2_000;
    const error = await failure(models.generate(ask("slow")));
    expect(error.code).toBe("PROVIDER_TIMEOUT");
    // The client gave up: the server saw the request aborted before it answered.
    await expect.poll(() => server.requests[0]?.aborted).toBe(true);
    expect(ledger.entries).toMatchObject([{ errorCode: "PROVIDER_TIMEOUT" }]);
  });

  it("aborts a call while it is queued: it never reaches the provider", async () => {
    const models = gateway({ limits: { maxConcurrent: 1 } });
    // The running call is held by the server until it is aborted too, so "at once" means:
    // the queued call is refused while the only slot is still taken.
    server.latencyMs = 3_600_000;
    const holder = new AbortController();
    let runningSettled = false;
    const running = failure(models.generate(ask("running", { signal: holder.signal }))).finally(() => (runningSettled = true));
    await expect.poll(() => server.requests.length).toBe(1);
    const controller = new AbortController();
    const queued = models.generate(ask("queued", { signal: controller.signal }));
    controller.abort();
    expect((await failure(queued)).code).toBe("PROVIDER_ABORTED");
    expect(runningSettled).toBe(false);
    holder.abort();
    expect((await running).code).toBe("PROVIDER_ABORTED");
    expect(server.requests.map((request) => request.body.messages)).toHaveLength(1);
    expect(ledger.entries.find((entry) => entry.errorCode === "PROVIDER_ABORTED")).toBeDefined();
  });

  it("aborts a call in flight and during backoff", async () => {
    // A backoff of a minute: only the abort can end the second call within the test's timeout.
    const models = gateway({ backoffBaseMs: 60_000 });
    // Abort only once the server holds the request, so it is really in flight.
    const inFlight = new AbortController();
    server.respond = () => (setTimeout(() => inFlight.abort(), 30), { latencyMs: 2_000 });
    expect((await failure(models.generate(ask("in flight", { signal: inFlight.signal })))).code).toBe("PROVIDER_ABORTED");
    await expect.poll(() => server.requests[0]?.aborted).toBe(true);

    server.reset();
    const backingOff = new AbortController();
    server.respond = () => (setTimeout(() => backingOff.abort(), 100), format.serverError());
    expect((await failure(models.generate(ask("backing off", { signal: backingOff.signal })))).code).toBe("PROVIDER_ABORTED");
    expect(server.requests).toHaveLength(1);
  });

  it("answers a repeated call from the cache without an HTTP call; bypass and other users miss", async () => {
    const models = gateway();
    const first = await models.generate(ask("cache me"));
    const second = await models.generate(ask("cache me"));
    expect(second).toMatchObject({ text: first.text, cached: true, costUsd: 0 });
    expect(server.requests).toHaveLength(1);
    expect([...cache.entries.values()][0]?.hits).toBe(1);

    await models.generate(ask("cache me", { cache: "bypass" }));
    await models.generate(ask("cache me", { userId: "user-2" }));
    expect(server.requests).toHaveLength(3);
    expect(ledger.entries.map((entry) => entry.cacheHit)).toEqual([false, true, false, false]);
  });

  it("never caches a truncated answer or a failure", async () => {
    const models = gateway();
    server.script(format.truncated);
    await models.generate(ask("long"));
    await models.generate(ask("long"));
    server.script(openaiErrors.badRequest());
    await failure(models.generate(ask("bad")));
    await models.generate(ask("bad"));
    expect(server.requests).toHaveLength(4);
    expect(ledger.entries.every((entry) => !entry.cacheHit)).toBe(true);
  });

  it("records every call in the ledger; its totals equal the sum of the calls", async () => {
    const models = gateway();
    const results = [
      await models.generate(ask("one")),
      await models.generate(ask("two two")),
      await models.generate(ask("one")), // cache hit
    ];
    server.script(format.notRetried[0]![1]);
    await failure(models.generate(ask("three")));
    expect(ledger.entries).toHaveLength(4);
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    expect(sum(ledger.entries.map((entry) => entry.costUsd))).toBeCloseTo(sum(results.map((result) => result.costUsd)), 12);
    expect(sum(results.map((result) => result.costUsd))).toBeGreaterThan(0);
    const billed = results.filter((result) => !result.cached);
    expect(sum(ledger.entries.map((entry) => entry.inputTokens))).toBe(sum(billed.map((result) => result.usage.inputTokens)));
    expect(sum(ledger.entries.map((entry) => entry.outputTokens))).toBe(sum(billed.map((result) => result.usage.outputTokens)));
    expect(results.map((result) => result.callId)).toEqual(["call-1", "call-2", "call-3"]);
    expect(ledger.entries[0]).toMatchObject({
      kind: "generate",
      purpose: "test.generate",
      userId: "user-1",
      subjectId: "doc-1",
      provider: format.provider,
      model: format.model,
      priced: true,
      cacheHit: false,
      attempts: 1,
      errorCode: null,
    });
  });

  it("keeps keys out of errors and logs", async () => {
    const models = gateway({ maxAttempts: 2 });
    server.script(format.serverError(), format.notRetried[1]![1]);
    const error = await failure(models.generate(ask("secret?")));
    expect(error.code).toBe("PROVIDER_AUTH_FAILED");
    const everything = JSON.stringify([error.message, error.stack, String(error.cause), logger.lines, ledger.entries]);
    expect(everything).not.toContain(OPENAI_KEY);
    expect(everything).not.toContain(ANTHROPIC_KEY);
  });
});

describe("model gateway embeddings and configuration", () => {
  const ledger = new InMemoryLedger();
  const logger = new MemoryLogger();
  const gateways: ModelGatewayService[] = [];
  function gateway(options: ProviderLayerOptions, cache = new InMemoryCache()) {
    const created = createModelGateway({ options, cache, ledger, logger });
    gateways.push(created);
    return created;
  }
  beforeEach(() => server.reset());
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((created) => created.close()));
  });

  it("embeds through the OpenAI format, priced and cached", async () => {
    const models = gateway({ provider: "openai", openaiApiKey: OPENAI_KEY, openaiBaseUrl: server.openaiBaseUrl });
    expect(models.defaults()).toEqual({ provider: "openai", model: "gpt-4o-mini", embeddingModel: "text-embedding-3-small" });
    const request = { purpose: "test.embed", inputs: ["a", "b"] };
    const first = await models.embed(request);
    expect(first).toMatchObject({ provider: "openai", model: "text-embedding-3-small", cached: false });
    expect(first.vectors).toHaveLength(2);
    expect(first.costUsd).toBeGreaterThan(0);
    expect(await models.embed(request)).toMatchObject({ cached: true, vectors: first.vectors });
    expect(server.requests).toHaveLength(1);
  });

  it("refuses embeddings for anthropic unless an embedding provider is configured", async () => {
    const models = gateway({ provider: "anthropic", anthropicApiKey: ANTHROPIC_KEY, anthropicBaseUrl: server.anthropicBaseUrl });
    expect(models.defaults().embeddingModel).toBe("");
    expect((await failure(models.embed({ purpose: "test.embed", inputs: ["a"] }))).code).toBe("PROVIDER_NOT_CONFIGURED");
    const both = gateway({
      provider: "anthropic",
      anthropicApiKey: ANTHROPIC_KEY,
      embeddingProvider: "openai",
      openaiApiKey: OPENAI_KEY,
      openaiBaseUrl: server.openaiBaseUrl,
    });
    expect((await both.embed({ purpose: "test.embed", inputs: ["a"] })).provider).toBe("openai");
    expect(server.requests.map((request) => request.path)).toEqual(["/v1/embeddings"]);
  });

  it("fails with PROVIDER_NOT_CONFIGURED for a provider without key or URL, and records it", async () => {
    const models = gateway({ provider: "openai" });
    const error = await failure(models.generate({ purpose: "test.generate", messages: [{ role: "user", content: "x" }] }));
    expect(error.code).toBe("PROVIDER_NOT_CONFIGURED");
    expect(ledger.entries.at(-1)).toMatchObject({ errorCode: "PROVIDER_NOT_CONFIGURED", attempts: 0 });
    expect(server.requests).toHaveLength(0);
  });

  it("flags unknown models as unpriced", async () => {
    const models = gateway({ provider: "openai", model: "my-finetune", openaiBaseUrl: server.openaiBaseUrl });
    const result = await models.generate({ purpose: "test.generate", messages: [{ role: "user", content: "x" }] });
    expect(result.costUsd).toBe(0);
    expect(ledger.entries.at(-1)).toMatchObject({ model: "my-finetune", priced: false, costUsd: 0 });
  });
});
