import { createAnthropicAdapter } from "../anthropic-adapter.ts";
import { createAnthropicBatchClient } from "../batch/anthropic-batch-client.ts";
import type { ProviderDefinition } from "./provider-definition.ts";

/** Anthropic's Messages API. It has no embeddings endpoint. */
export const anthropicProvider: ProviderDefinition = {
  name: "anthropic",
  env: ["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"],
  setupHint: "ANTHROPIC_API_KEY",
  defaultChatModel: "claude-haiku-4-5",
  defaultEmbeddingModel: null,
  ownsModel: /^claude-/,
  limits: {},
  batchPriceFactor: 0.5,
  // Message Batches take at most 256 MB per batch.
  batchMaxBytes: 256 * 1024 * 1024,
  free: false,
  // Images are resized to a long edge of at most 1568 px and cost width × height / 750 tokens.
  imageTokens: (width, height) => {
    const fit = Math.min(1, 1568 / Math.max(width, height));
    return Math.ceil((width * fit * height * fit) / 750);
  },
  // List prices; cache writes are billed as plain input here, a slight under-estimate.
  prices: {
    "claude-opus-4-5": { input: 5, cachedInput: 0.5, output: 25 },
    "claude-opus-4-1": { input: 15, cachedInput: 1.5, output: 75 },
    "claude-opus-4-0": { input: 15, cachedInput: 1.5, output: 75 },
    "claude-opus-4": { input: 15, cachedInput: 1.5, output: 75 },
    "claude-sonnet-4-5": { input: 3, cachedInput: 0.3, output: 15 },
    "claude-sonnet-4-0": { input: 3, cachedInput: 0.3, output: 15 },
    "claude-sonnet-4": { input: 3, cachedInput: 0.3, output: 15 },
    "claude-3-7-sonnet": { input: 3, cachedInput: 0.3, output: 15 },
    "claude-haiku-4-5": { input: 1, cachedInput: 0.1, output: 5 },
    "claude-3-5-haiku": { input: 0.8, cachedInput: 0.08, output: 4 },
  },
  secrets: (options) => (options.anthropicApiKey ? [options.anthropicApiKey] : []),
  create: (options, deps) =>
    options.anthropicApiKey
      ? createAnthropicAdapter({
          apiKey: options.anthropicApiKey,
          baseUrl: options.anthropicBaseUrl,
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
        })
      : null,
  createBatchClient: (options, deps) =>
    options.anthropicApiKey
      ? createAnthropicBatchClient({
          apiKey: options.anthropicApiKey,
          baseUrl: options.anthropicBaseUrl,
          timeoutMs: options.timeoutMs,
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
        })
      : null,
};
