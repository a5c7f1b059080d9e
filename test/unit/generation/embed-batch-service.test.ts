import { describe, expect, it } from "vitest";
import { embedTexts } from "../../../src/generation/embed-batch-service.ts";
import { GenerationInputError } from "../../../src/generation/generation-input-error.ts";
import { countTokens } from "../../../src/text/token-count.ts";
import { ProviderError } from "../../../src/providers/provider-types.ts";
import { createFakeGateway } from "./fake-gateway.ts";

describe("embedTexts", () => {
  it("returns vectors in input order from batches of at most batchSize", async () => {
    const gateway = createFakeGateway({ embedLatencyMs: 5, embedVectors: (request) => request.inputs.map((input) => [Number(input.split(" ")[1])]) });
    const texts = Array.from({ length: 10 }, (_, i) => `text ${i}`);
    const result = await embedTexts({ gateway }, texts, { batchSize: 4, maxConcurrent: 2 });
    expect(result.vectors).toEqual(texts.map((_, i) => [i]));
    expect(gateway.embedCalls.map((call) => call.inputs.length)).toEqual([4, 4, 2]);
    expect(gateway.maxEmbedInFlight).toBeLessThanOrEqual(2);
    expect(result.stats).toMatchObject({ batches: 3, texts: 10, failures: 0 });
    expect(result.stats.totalTokens).toBe(texts.join("").length);
    expect(result.stats.textsPerSecond).toBeGreaterThan(0);
  });

  it("keeps each request under the token cap", async () => {
    const gateway = createFakeGateway();
    const texts = Array.from({ length: 6 }, () => "word ".repeat(40).trim());
    const perText = countTokens(texts[0]!);
    await embedTexts({ gateway }, texts, { batchSize: 100, maxTokensPerRequest: perText * 2, maxTokensPerInput: perText });
    expect(gateway.embedCalls.map((call) => call.inputs.length)).toEqual([2, 2, 2]);
  });

  it("fails an over-long text alone and a failed request only for its own texts", async () => {
    const gateway = createFakeGateway({
      embedFail: (request) => (request.inputs.includes("poison") ? new ProviderError("PROVIDER_UNAVAILABLE", "Down") : null),
    });
    const texts = ["a", "b", "word ".repeat(50), "poison", "c", "d"];
    const result = await embedTexts({ gateway }, texts, { batchSize: 2, maxTokensPerInput: 20, maxTokensPerRequest: 100 });
    expect(result.vectors.map((vector) => vector !== null)).toEqual([true, true, false, false, false, true]);
    expect(result.failures).toEqual([
      { index: 2, code: "EMBED_INPUT_TOO_LONG", message: expect.stringContaining("at most 20 per input") as string },
      { index: 3, code: "PROVIDER_UNAVAILABLE", message: "Down" },
      { index: 4, code: "PROVIDER_UNAVAILABLE", message: "Down" },
    ]);
    expect(result.stats.failures).toBe(3);
  });

  it("fails a batch whose vector count does not match", async () => {
    const gateway = createFakeGateway({ embedVectors: () => [[1]] });
    const result = await embedTexts({ gateway }, ["a", "b"]);
    expect(result.failures.map((failure) => failure.code)).toEqual(["PROVIDER_INVALID_OUTPUT", "PROVIDER_INVALID_OUTPUT"]);
  });

  it("validates texts and limits", async () => {
    const gateway = createFakeGateway();
    await expect(embedTexts({ gateway }, [])).rejects.toThrow("texts must contain at least one text");
    await expect(embedTexts({ gateway }, ["a", ""])).rejects.toThrow("texts[1]: text is empty");
    await expect(embedTexts({ gateway }, ["a"], { batchSize: 0 })).rejects.toThrow("batchSize must be at least 1");
    await expect(embedTexts({ gateway }, ["a", "b"], { maxTexts: 1 })).rejects.toBeInstanceOf(GenerationInputError);
    await expect(embedTexts({ gateway }, ["a"], { maxTokensPerRequest: 10, maxTokensPerInput: 20 })).rejects.toThrow(
      "maxTokensPerRequest must be at least maxTokensPerInput",
    );
    expect(gateway.embedCalls).toHaveLength(0);
  });
});
