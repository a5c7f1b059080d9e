import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createOpenAIAdapter } from "../../../src/providers/openai-adapter.ts";
import { ProviderError } from "../../../src/providers/provider-types.ts";
import type { ProviderErrorCode } from "../../../src/providers/provider-types.ts";
import { fakeVector, openaiErrors, startFakeLlmServer } from "../../helpers/fake-llm-server.ts";
import type { ScriptedResponse } from "../../helpers/fake-llm-server.ts";

const KEY = "sk-test-OPENAI-SECRET-0123456789";
const server = await startFakeLlmServer();
const adapter = createOpenAIAdapter({ apiKey: KEY, baseUrl: server.openaiBaseUrl, maxTokensParam: "max_completion_tokens" });
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);

function generate(options: { signal?: AbortSignal; timeoutMs?: number } = {}) {
  return adapter.generate({
    model: "gpt-4o-mini",
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: [{ type: "text", text: "What is on page 1?" }, { type: "image", mediaType: "image/png", data: png }] },
    ],
    maxOutputTokens: 64,
    temperature: 0,
    signal: options.signal ?? new AbortController().signal,
    timeoutMs: options.timeoutMs ?? 5_000,
  });
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

beforeEach(() => {
  server.reset();
  server.latencyMs = 0;
});
afterAll(() => server.close());

describe("openai adapter", () => {
  it("sends text and image parts in the chat completions format and reads the answer", async () => {
    const result = await generate();
    expect(result.text).toBe("echo: What is on page 1?");
    expect(result.complete).toBe(true);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    const [request] = server.requests;
    expect(request?.path).toBe("/v1/chat/completions");
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.body).toMatchObject({
      model: "gpt-4o-mini",
      max_completion_tokens: 64,
      temperature: 0,
      messages: [
        { role: "system", content: "Be brief." },
        {
          role: "user",
          content: [
            { type: "text", text: "What is on page 1?" },
            { type: "image_url", image_url: { url: `data:image/png;base64,${Buffer.from(png).toString("base64")}` } },
          ],
        },
      ],
    });
  });

  it("returns embeddings in input order even when the server lists them out of order", async () => {
    const inputs = ["alpha", "beta", "gamma"];
    server.script({
      body: {
        object: "list",
        data: [2, 0, 1].map((index) => ({ object: "embedding", index, embedding: fakeVector(inputs[index]!) })),
        usage: { prompt_tokens: 3, total_tokens: 3 },
      },
    });
    const result = await adapter.embed!({ model: "text-embedding-3-small", inputs, signal: new AbortController().signal, timeoutMs: 5_000 });
    expect(result.vectors).toEqual(inputs.map(fakeVector));
    expect(result.usage.inputTokens).toBe(3);
    expect(server.requests[0]?.body).toMatchObject({ model: "text-embedding-3-small", input: inputs });
  });

  it("marks answers cut by the output cap as incomplete", async () => {
    server.script({
      body: {
        id: "x", object: "chat.completion", created: 0, model: "gpt-4o-mini",
        choices: [{ index: 0, message: { role: "assistant", content: "partial" }, finish_reason: "length" }],
        usage: { prompt_tokens: 5, completion_tokens: 64, total_tokens: 69, prompt_tokens_details: { cached_tokens: 3 } },
      },
    });
    const result = await generate();
    expect(result).toMatchObject({ text: "partial", complete: false, usage: { inputTokens: 5, outputTokens: 64, cachedInputTokens: 3 } });
  });

  const cases: [string, ScriptedResponse, ProviderErrorCode, boolean, number | undefined][] = [
    ["429 with Retry-After seconds", openaiErrors.rateLimited(2), "PROVIDER_RATE_LIMITED", true, 2_000],
    ["429 with retry-after-ms", { ...openaiErrors.rateLimited(), headers: { "retry-after-ms": "1500" } }, "PROVIDER_RATE_LIMITED", true, 1_500],
    ["429 insufficient_quota", openaiErrors.insufficientQuota(), "PROVIDER_SPEND_LIMIT", false, undefined],
    ["500", openaiErrors.serverError(), "PROVIDER_UNAVAILABLE", true, undefined],
    ["400", openaiErrors.badRequest(), "PROVIDER_BAD_REQUEST", false, undefined],
    ["401", openaiErrors.invalidKey(KEY), "PROVIDER_AUTH_FAILED", false, undefined],
    ["403", openaiErrors.permissionDenied(), "PROVIDER_AUTH_FAILED", false, undefined],
    ["404 model_not_found", openaiErrors.modelNotFound(), "PROVIDER_UNKNOWN_MODEL", false, undefined],
    ["a dropped connection", { drop: true }, "PROVIDER_CONNECTION_FAILED", true, undefined],
  ];
  it.each(cases)("maps %s", async (_name, scripted, code, retryable, retryAfterMs) => {
    server.script(scripted);
    const error = await failure(generate());
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.retryAfterMs).toBe(retryAfterMs);
    expect(server.requests).toHaveLength(1);
  });

  it("maps a Retry-After HTTP date", async () => {
    server.script({ ...openaiErrors.rateLimited(), headers: { "retry-after": new Date(Date.now() + 3_000).toUTCString() } });
    const error = await failure(generate());
    expect(error.retryAfterMs).toBeGreaterThan(1_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(3_000);
  });

  it("never puts the key or the provider's body text into the error", async () => {
    server.script(openaiErrors.invalidKey(KEY));
    const error = await failure(generate());
    const everything = `${error.message} ${String(error.stack)} ${JSON.stringify(error)} ${String(error.cause)}`;
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain("Incorrect API key");
    expect(error.message).toContain("HTTP 401");
  });

  it("times out on its own timeout", async () => {
    server.latencyMs = 2_000;
    const error = await failure(generate({ timeoutMs: 50 }));
    expect(error.code).toBe("PROVIDER_TIMEOUT");
    expect(error.retryable).toBe(true);
  });

  it("stops the HTTP call when the signal aborts", async () => {
    const controller = new AbortController();
    // Abort only once the server holds the request, so it is really in flight.
    server.respond = () => (setTimeout(() => controller.abort(), 30), { latencyMs: 2_000 });
    const error = await failure(generate({ signal: controller.signal }));
    expect(error.code).toBe("PROVIDER_ABORTED");
    await expect.poll(() => server.requests[0]?.aborted).toBe(true);
  });

  it("sends max_tokens to servers that only know that name", async () => {
    const legacy = createOpenAIAdapter({ apiKey: null, baseUrl: server.openaiBaseUrl, maxTokensParam: "max_tokens" });
    await legacy.generate({ model: "m", messages: [{ role: "user", content: "hi" }], maxOutputTokens: 9, signal: new AbortController().signal, timeoutMs: 5_000 });
    expect(server.requests[0]?.body).toMatchObject({ max_tokens: 9 });
    expect(server.requests[0]?.body).not.toHaveProperty("max_completion_tokens");
  });
});
