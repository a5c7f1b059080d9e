import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createAnthropicAdapter } from "../../../src/providers/anthropic-adapter.ts";
import { ProviderError } from "../../../src/providers/provider-types.ts";
import type { ProviderErrorCode } from "../../../src/providers/provider-types.ts";
import { anthropicErrors, startFakeLlmServer } from "../../helpers/fake-llm-server.ts";
import type { ScriptedResponse } from "../../helpers/fake-llm-server.ts";

const KEY = "sk-ant-test-ANTHROPIC-SECRET-0123456789";
const server = await startFakeLlmServer();
const adapter = createAnthropicAdapter({ apiKey: KEY, baseUrl: server.anthropicBaseUrl });
const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);

function generate(options: { signal?: AbortSignal; timeoutMs?: number } = {}) {
  return adapter.generate({
    model: "claude-haiku-4-5",
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: [{ type: "text", text: "Describe the scan" }, { type: "image", mediaType: "image/jpeg", data: jpeg }] },
      { role: "assistant", content: "It is a form." },
      { role: "user", content: "Which form?" },
    ],
    maxOutputTokens: 128,
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

describe("anthropic adapter", () => {
  it("sends the messages format: system apart, text and base64 image blocks", async () => {
    const result = await generate();
    expect(result.text).toBe("echo: Which form?");
    expect(result.complete).toBe(true);
    const [request] = server.requests;
    expect(request?.path).toBe("/v1/messages");
    // SDK 1.x sends the key as a bearer token; older ones used x-api-key.
    expect([request?.headers["x-api-key"], request?.headers.authorization]).toContain(
      request?.headers["x-api-key"] ? KEY : `Bearer ${KEY}`,
    );
    expect(request?.headers["anthropic-version"]).toBeTruthy();
    expect(request?.body).toMatchObject({
      model: "claude-haiku-4-5",
      max_tokens: 128,
      system: "Be brief.",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Describe the scan" },
            { type: "image", source: { type: "base64", media_type: "image/jpeg", data: Buffer.from(jpeg).toString("base64") } },
          ],
        },
        { role: "assistant", content: "It is a form." },
        { role: "user", content: "Which form?" },
      ],
    });
  });

  it("normalises usage so inputTokens includes cache reads and writes", async () => {
    server.script({
      body: {
        id: "m", type: "message", role: "assistant", model: "claude-haiku-4-5",
        content: [{ type: "text", text: "cut" }], stop_reason: "max_tokens", stop_sequence: null,
        usage: { input_tokens: 10, output_tokens: 128, cache_read_input_tokens: 100, cache_creation_input_tokens: 5 },
      },
    });
    const result = await generate();
    expect(result).toMatchObject({ complete: false, usage: { inputTokens: 115, outputTokens: 128, cachedInputTokens: 100 } });
  });

  it("has no embeddings", () => {
    expect("embed" in adapter).toBe(false);
  });

  const cases: [string, ScriptedResponse, ProviderErrorCode, boolean, number | undefined][] = [
    ["429 with Retry-After", anthropicErrors.rateLimited(3), "PROVIDER_RATE_LIMITED", true, 3_000],
    ["429 spend limit", anthropicErrors.spendLimit(), "PROVIDER_SPEND_LIMIT", false, undefined],
    ["402 billing_error", anthropicErrors.billing(), "PROVIDER_SPEND_LIMIT", false, undefined],
    ["400 credit balance too low", anthropicErrors.creditBalanceTooLow(), "PROVIDER_SPEND_LIMIT", false, undefined],
    ["529 overloaded", anthropicErrors.overloaded(), "PROVIDER_UNAVAILABLE", true, undefined],
    ["500", anthropicErrors.serverError(), "PROVIDER_UNAVAILABLE", true, undefined],
    ["400", anthropicErrors.badRequest(), "PROVIDER_BAD_REQUEST", false, undefined],
    ["401", anthropicErrors.invalidKey(KEY), "PROVIDER_AUTH_FAILED", false, undefined],
    ["403", anthropicErrors.permissionDenied(), "PROVIDER_AUTH_FAILED", false, undefined],
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

  it("never puts the key or the provider's body text into the error", async () => {
    server.script(anthropicErrors.invalidKey(KEY));
    const error = await failure(generate());
    const everything = `${error.message} ${String(error.stack)} ${JSON.stringify(error)} ${String(error.cause)}`;
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain("invalid x-api-key");
    expect(error.message).toContain("authentication_error");
  });

  it("times out on its own timeout", async () => {
    server.latencyMs = 2_000;
    const error = await failure(generate({ timeoutMs: 50 }));
    expect(error.code).toBe("PROVIDER_TIMEOUT");
  });

  it("stops the HTTP call when the signal aborts", async () => {
    const controller = new AbortController();
    // Abort only once the server holds the request, so it is really in flight.
    server.respond = () => (setTimeout(() => controller.abort(), 30), { latencyMs: 2_000 });
    const error = await failure(generate({ signal: controller.signal }));
    expect(error.code).toBe("PROVIDER_ABORTED");
    await expect.poll(() => server.requests[0]?.aborted).toBe(true);
  });
});
