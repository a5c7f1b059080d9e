import { LOCAL_EMBEDDING_DIMENSION } from "../text/local-embedding.ts";
import type { ProviderName } from "./provider-types.ts";
import type { PriceOverrides } from "./price-table.ts";
import type { FallbackTable } from "./fallback-router.ts";
import { PROVIDERS } from "./provider-registry.ts";

/**
 * The layer-wide limits when nothing is configured: the one place these defaults live
 * (config.ts leaves LLM_MAX_CONCURRENT, LLM_RPM and LLM_TPM unset when absent).
 */
export const DEFAULT_LIMITS: Readonly<ProviderLimits> = { maxConcurrent: 8, requestsPerMinute: null, tokensPerMinute: null, minTimeMs: 0 };

/** Concurrency and budget of one provider+model limiter. `null` budgets are unlimited. */
export interface ProviderLimits {
  /** Calls in flight at once (per provider+model, shared across processes with Redis). */
  maxConcurrent: number;
  /** Requests started per budget window. */
  requestsPerMinute: number | null;
  /** Estimated tokens (input + max output) started per budget window. */
  tokensPerMinute: number | null;
  /** Least time between two request starts (Bottleneck minTime); 0 for none. */
  minTimeMs: number;
}

/**
 * Everything the provider layer is configured with. config.ts maps env vars onto it; every
 * field is optional and `resolveProviderOptions` fills in the documented default.
 */
export interface ProviderLayerOptions {
  /** LLM_PROVIDER. Default "local" (offline, deterministic, free). */
  provider?: ProviderName;
  /** LLM_MODEL. Default per provider: gpt-4o-mini, claude-haiku-4-5, local-extractive. */
  model?: string;
  /**
   * EMBEDDING_PROVIDER. Default: `provider` when that is openai or local. Anthropic has no
   * embeddings endpoint, so with provider anthropic and no embedding provider set, embed()
   * fails with PROVIDER_NOT_CONFIGURED rather than silently switching to another vendor.
   */
  embeddingProvider?: ProviderName;
  /** EMBEDDING_MODEL. Default per provider: text-embedding-3-small, local-embedding. */
  embeddingModel?: string;
  /** OPENAI_API_KEY. Optional when openaiBaseUrl points at a keyless compatible server. */
  openaiApiKey?: string;
  /** OPENAI_BASE_URL: any OpenAI-compatible endpoint. Default https://api.openai.com/v1. */
  openaiBaseUrl?: string;
  /**
   * Name of the output cap in chat requests. OpenAI's o-series only accept
   * max_completion_tokens; some older compatible servers only know max_tokens.
   * Default "max_completion_tokens".
   */
  openaiMaxTokensParam?: "max_completion_tokens" | "max_tokens";
  /** ANTHROPIC_API_KEY. */
  anthropicApiKey?: string;
  /** ANTHROPIC_BASE_URL. Default https://api.anthropic.com. */
  anthropicBaseUrl?: string;
  /** REDIS_URL. When set, limiters and pauses are shared by every process using it. */
  redisUrl?: string;
  /** Namespace of the Redis limiter ids. Default "quire". */
  limiterNamespace?: string;
  /** Redis limiter keys expire after this much inactivity. Default 15 min. */
  limiterKeyTtlMs?: number;
  /**
   * Defaults for every provider+model (LLM_MAX_CONCURRENT, LLM_RPM, LLM_TPM, LLM_MIN_TIME_MS). Unset values fall
   * back to the provider definition's limits, then to DEFAULT_LIMITS.
   */
  limits?: Partial<ProviderLimits>;
  /** Per provider+model overrides, keyed "provider:model" (e.g. "openai:gpt-4o"). */
  modelLimits?: Record<string, Partial<ProviderLimits>>;
  /** Length of the requests/tokens budget window. Default 60 000 ms (tests shrink it). */
  budgetWindowMs?: number;
  /** Per-attempt HTTP timeout. Default 60 000 ms. */
  timeoutMs?: number;
  /** Attempts per call, first one included. Default 4. */
  maxAttempts?: number;
  /** Base of the exponential backoff (full jitter). Default 500 ms. */
  backoffBaseMs?: number;
  /** Cap of one backoff delay. Default 30 000 ms. */
  backoffMaxMs?: number;
  /** A 429 asking to wait longer than this is not retried (the limiter is still paused). Default 120 000 ms. */
  maxRetryAfterMs?: number;
  /** Quire's response cache. Default true. */
  cacheEnabled?: boolean;
  /** Lifetime of a cached answer. Default 7 days. */
  cacheTtlMs?: number;
  /** Output cap when a request gives none (Anthropic requires one). Default 1024. */
  defaultMaxOutputTokens?: number;
  /** Dimension of local embeddings. Default LOCAL_EMBEDDING_DIMENSION (384), text/local-embedding.ts. */
  localEmbeddingDim?: number;
  /** Price overrides per model (JSON from config), merged over the built-in table. */
  prices?: PriceOverrides;
  /** LLM_FALLBACKS: ordered fallback models per purpose ("*" for any). Default none. */
  fallbacks?: FallbackTable;
  /** LLM_FALLBACK_COOLDOWN_MS: how long a failing model is skipped. Default 60 000 ms. */
  fallbackCooldownMs?: number;
}

/** ProviderLayerOptions with every default applied. */
export interface ResolvedProviderOptions {
  provider: ProviderName;
  model: string;
  embeddingProvider: ProviderName | null;
  embeddingModel: string;
  openaiApiKey: string | null;
  openaiBaseUrl: string | null;
  openaiMaxTokensParam: "max_completion_tokens" | "max_tokens";
  anthropicApiKey: string | null;
  anthropicBaseUrl: string | null;
  redisUrl: string | null;
  limiterNamespace: string;
  limiterKeyTtlMs: number;
  /** The layer-wide limits as configured (unset ones are absent); see limitsFor. */
  limits: Partial<ProviderLimits>;
  modelLimits: Record<string, Partial<ProviderLimits>>;
  budgetWindowMs: number;
  timeoutMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  maxRetryAfterMs: number;
  cacheEnabled: boolean;
  cacheTtlMs: number;
  defaultMaxOutputTokens: number;
  localEmbeddingDim: number;
  prices: PriceOverrides;
  fallbacks: FallbackTable;
  fallbackCooldownMs: number;
}

/** The model a provider uses for chat when none is configured or requested. */
export function defaultChatModel(provider: ProviderName): string {
  return PROVIDERS[provider].defaultChatModel;
}

/** The embedding model of a provider ("" for one without embeddings, such as anthropic). */
export function defaultEmbeddingModel(provider: ProviderName): string {
  return PROVIDERS[provider].defaultEmbeddingModel ?? "";
}

/** Applies the documented defaults; empty strings count as unset (env vars often are). */
export function resolveProviderOptions(options: ProviderLayerOptions = {}): ResolvedProviderOptions {
  const provider = options.provider ?? "local";
  const embeddingProvider = options.embeddingProvider ?? (provider === "anthropic" ? null : provider);
  return {
    provider,
    model: nonEmpty(options.model) ?? defaultChatModel(provider),
    embeddingProvider,
    embeddingModel:
      nonEmpty(options.embeddingModel) ?? (embeddingProvider ? defaultEmbeddingModel(embeddingProvider) : ""),
    openaiApiKey: nonEmpty(options.openaiApiKey),
    openaiBaseUrl: nonEmpty(options.openaiBaseUrl),
    openaiMaxTokensParam: options.openaiMaxTokensParam ?? "max_completion_tokens",
    anthropicApiKey: nonEmpty(options.anthropicApiKey),
    anthropicBaseUrl: nonEmpty(options.anthropicBaseUrl),
    redisUrl: nonEmpty(options.redisUrl),
    limiterNamespace: nonEmpty(options.limiterNamespace) ?? "quire",
    limiterKeyTtlMs: options.limiterKeyTtlMs ?? 15 * 60_000,
    limits: definedOnly(options.limits ?? {}),
    modelLimits: options.modelLimits ?? {},
    budgetWindowMs: options.budgetWindowMs ?? 60_000,
    timeoutMs: options.timeoutMs ?? 60_000,
    maxAttempts: Math.max(1, options.maxAttempts ?? 4),
    backoffBaseMs: options.backoffBaseMs ?? 500,
    backoffMaxMs: options.backoffMaxMs ?? 30_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 120_000,
    cacheEnabled: options.cacheEnabled ?? true,
    cacheTtlMs: options.cacheTtlMs ?? 7 * 24 * 3_600_000,
    defaultMaxOutputTokens: options.defaultMaxOutputTokens ?? 1024,
    localEmbeddingDim: options.localEmbeddingDim ?? LOCAL_EMBEDDING_DIMENSION,
    prices: options.prices ?? {},
    fallbacks: options.fallbacks ?? {},
    fallbackCooldownMs: options.fallbackCooldownMs ?? 60_000,
  };
}

/**
 * The limits of one provider+model ("openai:gpt-4o"), first set wins: the per-model override,
 * the layer-wide configuration, the provider definition's limits, DEFAULT_LIMITS.
 */
export function limitsFor(options: ResolvedProviderOptions, limiterKey: string): ProviderLimits {
  const provider = limiterKey.split(":")[0] as ProviderName;
  const layers = [options.modelLimits[limiterKey] ?? {}, options.limits, PROVIDERS[provider]?.limits ?? {}, DEFAULT_LIMITS];
  // `undefined` means unset at that layer; `null` (unlimited) is a setting.
  const pick = <K extends keyof ProviderLimits>(key: K) => layers.find((layer) => layer[key] !== undefined)![key]!;
  return {
    maxConcurrent: pick("maxConcurrent"),
    requestsPerMinute: pick("requestsPerMinute"),
    tokensPerMinute: pick("tokensPerMinute"),
    minTimeMs: pick("minTimeMs"),
  };
}

function definedOnly(limits: Partial<ProviderLimits>): Partial<ProviderLimits> {
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined));
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value.trim() === "" ? null : value;
}
