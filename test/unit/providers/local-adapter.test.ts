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
  it("answers deterministically with the sentences that match the question", async () => {
    const first = await adapter.generate({ model: "local-extractive", messages, maxOutputTokens: 100, signal, timeoutMs: 1_000 });
    const second = await adapter.generate({ model: "local-extractive", messages, maxOutputTokens: 100, signal, timeoutMs: 1_000 });
    expect(first).toEqual(second);
    expect(first.text).toContain("The total amount due is 1,250 EUR.");
    expect(first.text).not.toContain("Sundays");
    expect(first.text).not.toContain("Acme");
    expect(first.text).not.toContain("?");
    expect(first.complete).toBe(true);
    expect(first.usage.inputTokens).toBeGreaterThan(20);
    expect(first.usage.outputTokens).toBeGreaterThan(0);
  });

  it("trims the answer to maxOutputTokens and marks it incomplete", async () => {
    const result = await adapter.generate({ model: "local-extractive", messages, maxOutputTokens: 3, signal, timeoutMs: 1_000 });
    expect(result.usage.outputTokens).toBeLessThanOrEqual(3);
    expect(result.complete).toBe(false);
  });

  it("falls back to the opening of the content when nothing matches", async () => {
    const result = await adapter.generate({
      model: "local-extractive",
      messages: [
        { role: "user", content: "Alpha beta gamma. Delta epsilon." },
        { role: "user", content: "Anything about zeta?" },
      ],
      maxOutputTokens: 100,
      signal,
      timeoutMs: 1_000,
    });
    expect(result.text).toBe("Alpha beta gamma.");
  });

  it("embeds deterministically with the configured dimension", async () => {
    const first = await adapter.embed!({ model: "local-embedding", inputs: ["one", "two"], signal, timeoutMs: 1_000 });
    const second = await adapter.embed!({ model: "local-embedding", inputs: ["one", "two"], signal, timeoutMs: 1_000 });
    expect(first.vectors).toHaveLength(2);
    expect(first.vectors.every((vector) => vector.length === 16)).toBe(true);
    expect(second.vectors).toEqual(first.vectors);
  });

  it("refuses to start when already aborted", async () => {
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
    const answer = await gateway.generate({ purpose: "test.local", messages });
    const vectors = await gateway.embed({ purpose: "test.local", inputs: ["a", "b", "c"] });
    expect(answer).toMatchObject({ provider: "local", costUsd: 0, cached: false });
    expect(vectors.vectors.map((vector) => vector.length)).toEqual([8, 8, 8]);
    expect(ledger.entries).toMatchObject([
      { kind: "generate", provider: "local", priced: true, costUsd: 0, errorCode: null },
      { kind: "embed", provider: "local", priced: true, costUsd: 0, errorCode: null },
    ]);
    // Local answers are cheaper to recompute than to look up.
    expect(cache.entries.size).toBe(0);
  });
});
