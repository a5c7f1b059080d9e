import { describe, expect, it } from "vitest";
import { PromptBatchJobService } from "../../../src/generation/batch-api/prompt-batch-job-service.ts";
import type { PromptBatchJobStore } from "../../../src/generation/batch-api/prompt-batch-job-store.ts";
import { GenerationInputError } from "../../../src/generation/generation-input-error.ts";
import { createPriceTable } from "../../../src/providers/price-table.ts";
import { providerDefinition } from "../../../src/providers/provider-registry.ts";

// The check runs before anything is stored: a store that is never to be called.
const untouchedStore = new Proxy({} as PromptBatchJobStore, {
  get: () => () => {
    throw new Error("nothing may be stored for a refused batch");
  },
});

function service(maxBatchBytes: number) {
  return new PromptBatchJobService({
    store: untouchedStore,
    prices: createPriceTable(),
    resolveChat: () => ({ provider: "anthropic", model: "claude-haiku-4-5" }),
    hasBatchApi: () => true,
    wake: () => Promise.resolve(),
    maxBatchBytes: () => maxBatchBytes,
  });
}

describe("submitPromptBatch refuses a batch larger than the provider's batch API takes", () => {
  it("names the size, the limit and what to do, and stores nothing", async () => {
    const prompts = Array.from({ length: 20 }, (_, i) => ({ prompt: `${i} ${"x".repeat(1000)}` }));
    const refused = service(10 * 1024).submit("user", prompts, {});
    await expect(refused).rejects.toBeInstanceOf(GenerationInputError);
    await expect(refused).rejects.toThrow("the prompts come to about 25.8 KB, over the 10.0 KB one anthropic batch takes: split them into several batches");
  });

  it("counts system prompts and multi-byte text by their bytes", async () => {
    // 100 prompts of 100 three-byte characters: ~30 KB of text alone.
    const prompts = Array.from({ length: 100 }, () => ({ prompt: "日".repeat(100), system: "日".repeat(100) }));
    await expect(service(60 * 1024).submit("user", prompts, {})).rejects.toThrow(/split them into several batches/);
  });

  it("takes the limits from the provider registry", () => {
    expect(providerDefinition("openai").batchMaxBytes).toBe(200 * 1024 * 1024);
    expect(providerDefinition("anthropic").batchMaxBytes).toBe(256 * 1024 * 1024);
    expect(providerDefinition("local").batchMaxBytes).toBeNull();
  });
});
