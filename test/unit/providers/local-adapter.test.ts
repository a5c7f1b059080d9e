import { afterEach, describe, expect, it } from "vitest";
import { createLocalAdapter } from "../../../src/providers/local-adapter.ts";
import { createModelGateway } from "../../../src/providers/model-gateway.ts";
import type { ModelGatewayService } from "../../../src/providers/model-gateway.ts";
import type { ChatMessage } from "../../../src/providers/provider-types.ts";
import { InMemoryCache, InMemoryLedger, MemoryLogger } from "./in-memory-stores.ts";

const adapter = createLocalAdapter({ embeddingDim: 16 });
const signal = new AbortController().signal;
const context =
  "The invoice was issued by Acme Corp. The total amount due is 1,250 EUR. Payment is due within 30 days. " +
  "The office is closed on Sundays.";
const messages: ChatMessage[] = [
  { role: "system", content: "Answer from the document." },
  { role: "user", content: `${context}\nWhat is the total amount due?` },
];

describe("local adapter", () => {
  it("refuses every chat request with MODEL_REQUIRED naming the settings, never echoing the prompt", async () => {
    const refusal = adapter.generate({ model: "local-extractive", messages, maxOutputTokens: 100, signal, timeoutMs: 1_000 });
    await expect(refusal).rejects.toMatchObject({ code: "MODEL_REQUIRED", retryable: false });
    const error = (await refusal.catch((caught: unknown) => caught)) as Error;
    for (const setting of ["OPENAI_BASE_URL", "Ollama", "vLLM", "llama.cpp", "ANTHROPIC_API_KEY", "LLM_MODEL"]) {
      expect(error.message).toContain(setting);
    }
    expect(error.message).not.toContain("1,250 EUR");
  });

  it("refuses an embedding model it does not have", async () => {
    await expect(adapter.embed!({ model: "text-embedding-3-small", inputs: ["x"], signal, timeoutMs: 1_000 })).rejects.toMatchObject({
      code: "PROVIDER_UNKNOWN_MODEL",
    });
  });

  it("embeds deterministically with the configured dimension", async () => {
    const first = await adapter.embed!({ model: "local-embedding", inputs: ["one", "two"], signal, timeoutMs: 1_000 });
    const second = await adapter.embed!({ model: "local-embedding", inputs: ["one", "two"], signal, timeoutMs: 1_000 });
    expect(first.vectors).toHaveLength(2);
    expect(first.vectors.every((vector) => vector.length === 16)).toBe(true);
    expect(second.vectors).toEqual(first.vectors);
  });

  it("reports an abort before the refusal", async () => {
    const aborted = AbortSignal.abort();
    await expect(adapter.generate({ model: "m", messages, maxOutputTokens: 5, signal: aborted, timeoutMs: 1_000 })).rejects.toMatchObject({
      code: "PROVIDER_ABORTED",
    });
  });
});

describe("gateway with the default local provider", () => {
  const gateways: ModelGatewayService[] = [];
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
  });

  it("is the default, free, offline and recorded in the ledger", async () => {
    const ledger = new InMemoryLedger();
    const cache = new InMemoryCache();
    const gateway = createModelGateway({ options: { localEmbeddingDim: 8 }, cache, ledger, logger: new MemoryLogger() });
    gateways.push(gateway);
    expect(gateway.defaults()).toEqual({ provider: "local", model: "local-extractive", embeddingModel: "local-embedding" });
    await expect(gateway.generate({ purpose: "test.local", messages })).rejects.toMatchObject({ code: "MODEL_REQUIRED" });
    const vectors = await gateway.embed({ purpose: "test.local", inputs: ["a", "b", "c"] });
    expect(vectors).toMatchObject({ provider: "local", costUsd: 0, cached: false });
    expect(vectors.vectors.map((vector) => vector.length)).toEqual([8, 8, 8]);
    expect(ledger.entries).toMatchObject([
      { kind: "generate", provider: "local", costUsd: 0, errorCode: "MODEL_REQUIRED" },
      { kind: "embed", provider: "local", priced: true, costUsd: 0, errorCode: null },
    ]);
    // Local answers are cheaper to recompute than to look up.
    expect(cache.entries.size).toBe(0);
  });
});

describe("routing a named model without a provider", () => {
  it("sends a vendor's model to that vendor, failing per model when it is not configured", async () => {
    const gateway = createModelGateway({ options: {}, cache: null, ledger: new InMemoryLedger(), logger: new MemoryLogger() });
    try {
      await expect(gateway.generate({ purpose: "t", model: "gpt-4o-mini", messages })).rejects.toMatchObject({
        code: "PROVIDER_NOT_CONFIGURED",
        message: expect.stringContaining("OPENAI_API_KEY") as unknown,
      });
      await expect(gateway.generate({ purpose: "t", model: "claude-haiku-4-5", messages })).rejects.toMatchObject({
        code: "PROVIDER_NOT_CONFIGURED",
        message: expect.stringContaining("ANTHROPIC_API_KEY") as unknown,
      });
      await expect(gateway.generate({ purpose: "t", model: "llama3.1", messages })).rejects.toMatchObject({ code: "MODEL_REQUIRED" });
    } finally {
      await gateway.close();
    }
  });
});
