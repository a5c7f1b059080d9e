import type { Config } from "../config.ts";
import type { ProviderLayerOptions } from "./provider-options.ts";

/** Maps the LLM_* / OPENAI_* / ANTHROPIC_* / EMBEDDING_* variables onto the provider layer. */
export function providerOptionsFromConfig(config: Config): ProviderLayerOptions {
  const p = config.providers;
  return {
    provider: p.provider,
    model: p.model,
    embeddingProvider: p.embeddingProvider,
    embeddingModel: p.embeddingModel,
    openaiApiKey: p.openaiApiKey,
    openaiBaseUrl: p.openaiBaseUrl,
    anthropicApiKey: p.anthropicApiKey,
    anthropicBaseUrl: p.anthropicBaseUrl,
    redisUrl: config.redisUrl,
    // Unset limits stay unset so the provider definitions and DEFAULT_LIMITS apply.
    limits: { maxConcurrent: p.maxConcurrent, requestsPerMinute: p.requestsPerMinute, tokensPerMinute: p.tokensPerMinute, minTimeMs: p.minTimeMs },
    timeoutMs: p.timeoutMs,
    maxAttempts: p.maxAttempts,
    cacheEnabled: p.cacheEnabled,
    cacheTtlMs: p.cacheTtlMs,
    prices: p.prices,
    ...(p.fallbacks ? { fallbacks: p.fallbacks } : {}),
    fallbackCooldownMs: p.fallbackCooldownMs,
  };
}
