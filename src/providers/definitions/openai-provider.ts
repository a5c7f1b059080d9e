import { createOpenAIBatchClient } from "../batch/openai-batch-client.ts";
import { createOpenAIAdapter } from "../openai-adapter.ts";
import type { ProviderDefinition } from "./provider-definition.ts";

/** OpenAI and every OpenAI-compatible server (Ollama, vLLM, llama.cpp, LM Studio, proxies). */
export const openaiProvider: ProviderDefinition = {
  name: "openai",
  env: ["OPENAI_API_KEY", "OPENAI_BASE_URL"],
  setupHint: "OPENAI_API_KEY, or OPENAI_BASE_URL for a keyless compatible server",
  defaultChatModel: "gpt-4o-mini",
  defaultEmbeddingModel: "text-embedding-3-small",
  ownsModel: /^(gpt-|chatgpt-|o\d(-|$)|text-embedding-)/,
  limits: {},
  batchPriceFactor: 0.5,
  // The Batch API's input file limit.
  batchMaxBytes: 200 * 1024 * 1024,
  free: false,
  // High detail: fit in 2048×2048, shortest side to 768, then 170 per 512-px tile plus 85.
  imageTokens: (width, height) => {
    const fit = Math.min(1, 2048 / Math.max(width, height));
    const shrink = Math.min(1, 768 / Math.min(width * fit, height * fit));
    const tiles = Math.ceil((width * fit * shrink) / 512) * Math.ceil((height * fit * shrink) / 512);
    return 85 + 170 * tiles;
  },
  // Standard tier list prices.
  prices: {
    "gpt-4o": { input: 2.5, cachedInput: 1.25, output: 10 },
    "gpt-4o-mini": { input: 0.15, cachedInput: 0.075, output: 0.6 },
    "gpt-4.1": { input: 2, cachedInput: 0.5, output: 8 },
    "gpt-4.1-mini": { input: 0.4, cachedInput: 0.1, output: 1.6 },
    "gpt-4.1-nano": { input: 0.1, cachedInput: 0.025, output: 0.4 },
    "gpt-5": { input: 1.25, cachedInput: 0.125, output: 10 },
    "gpt-5-mini": { input: 0.25, cachedInput: 0.025, output: 2 },
    "gpt-5-nano": { input: 0.05, cachedInput: 0.005, output: 0.4 },
    o1: { input: 15, cachedInput: 7.5, output: 60 },
    "o1-mini": { input: 1.1, cachedInput: 0.55, output: 4.4 },
    o3: { input: 2, cachedInput: 0.5, output: 8 },
    "o3-mini": { input: 1.1, cachedInput: 0.55, output: 4.4 },
    "o4-mini": { input: 1.1, cachedInput: 0.275, output: 4.4 },
    "text-embedding-3-small": { input: 0.02, output: 0 },
    "text-embedding-3-large": { input: 0.13, output: 0 },
    "text-embedding-ada-002": { input: 0.1, output: 0 },
  },
  secrets: (options) => (options.openaiApiKey ? [options.openaiApiKey] : []),
  // A keyless OpenAI-compatible server (vLLM, Ollama...) is configured by its URL alone.
  create: (options, deps) =>
    options.openaiApiKey || options.openaiBaseUrl
      ? createOpenAIAdapter({
          apiKey: options.openaiApiKey,
          baseUrl: options.openaiBaseUrl,
          maxTokensParam: options.openaiMaxTokensParam,
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
        })
      : null,
  createBatchClient: (options, deps) =>
    options.openaiApiKey || options.openaiBaseUrl
      ? createOpenAIBatchClient({
          apiKey: options.openaiApiKey,
          baseUrl: options.openaiBaseUrl,
          maxTokensParam: options.openaiMaxTokensParam,
          timeoutMs: options.timeoutMs,
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
        })
      : null,
};
