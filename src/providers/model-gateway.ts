import { countTokens } from "../text/token-count.ts";
import { ProviderError } from "./provider-types.ts";
import type {
  CallAttribution,
  EmbedRequest,
  EmbedResult,
  GenerateRequest,
  GenerateResult,
  ModelGateway,
  ProviderName,
  TokenUsage,
} from "./provider-types.ts";
import type { FetchLike, ProviderAdapter } from "./provider-adapter.ts";
import { buildConfiguredAdapters, configuredSecrets, PROVIDER_NAMES, PROVIDERS, providerDefinition } from "./provider-registry.ts";
import { defaultChatModel, defaultEmbeddingModel, limitsFor, resolveProviderOptions } from "./provider-options.ts";
import type { ProviderLayerOptions } from "./provider-options.ts";
import { createLimiterRegistry, limiterKeyOf } from "./limiter-registry.ts";
import type { LimiterRegistry } from "./limiter-registry.ts";
import { runWithRetries } from "./attempt-runner.ts";
import type { GatewayLogger } from "./attempt-runner.ts";
import { createPriceTable } from "./price-table.ts";
import type { PriceTable } from "./price-table.ts";
import type { BatchClient } from "./batch/batch-client.ts";
import { embedCacheKey, generateCacheKey } from "./response-cache.ts";
import type { CachedModelResponse, ResponseCacheStore } from "./response-cache.ts";
import type { CallLedgerEntry, CallLedgerStore } from "./call-ledger.ts";
import { estimateMessageTokens } from "./token-estimate.ts";
import { abortedError } from "./provider-error-mapping.ts";
import { routeModel } from "./model-routing.ts";
import { createFallbackRouter } from "./fallback-router.ts";

/** What createModelGateway is built from. Everything but `options`, `ledger` and `logger` is optional. */
export interface ModelGatewayDeps {
  options: ProviderLayerOptions;
  /** Quire's response cache; null disables caching whatever the options say. */
  cache: ResponseCacheStore | null;
  ledger: CallLedgerStore;
  logger: GatewayLogger;
  /** fetch used by the OpenAI and Anthropic SDKs (proxies, tests). */
  fetch?: FetchLike;
  /** Replaces the limiter registry built from the options (it is then not closed by close()). */
  limiters?: LimiterRegistry;
  /** Replaces adapters, e.g. to put a scripted provider behind a name. */
  adapters?: Partial<Record<ProviderName, ProviderAdapter>>;
  /** Source of backoff jitter (tests pin it). */
  random?: () => number;
  /** Clock of the fallback cooldowns (tests pin it). Default Date.now. */
  now?: () => number;
}

/** The gateway plus what its owner needs: the limiters (pause, tests) and shutdown. */
export interface ModelGatewayService extends ModelGateway {
  readonly limiters: LimiterRegistry;
  /** The price table the gateway bills with (config overrides included). */
  readonly prices: PriceTable;
  /** The provider's batch API client, or null when it has none or is not configured. */
  batchClient(provider: ProviderName): BatchClient | null;
  /** The provider and model a generate request naming these would use. */
  resolveChat(provider: ProviderName | undefined, model: string | undefined): { provider: ProviderName; model: string };
  /** The provider and model embeddings use by default (what the pipeline's EMBED stage calls), or null when none is configured. */
  embeddingTarget(): { provider: ProviderName; model: string } | null;
  /** Releases the limiters' timers and Redis connections; the gateway is unusable afterwards. */
  close(): Promise<void>;
}

/** What GenerateResult and EmbedResult share, from one finished call. */
function callFields(
  provider: ProviderName,
  model: string,
  done: { output: { usage: TokenUsage }; costUsd: number; latencyMs: number; cached: boolean; callId: string },
) {
  return { provider, model, usage: done.output.usage, costUsd: done.costUsd, latencyMs: done.latencyMs, cached: done.cached, callId: done.callId };
}

/**
 * Builds the ModelGateway: the one way Quire calls models. Each call is resolved to a
 * provider+model, answered from the response cache when possible, otherwise sent through
 * that provider+model's limiter with retries (see attempt-runner.ts), priced, cached when
 * complete, and recorded in the ledger, failures included. Errors are ProviderError with a
 * stable code; their messages never carry keys or provider response bodies.
 */
export function createModelGateway(deps: ModelGatewayDeps): ModelGatewayService {
  const options = resolveProviderOptions(deps.options);
  const secrets = configuredSecrets(options);
  const adapters = { ...buildConfiguredAdapters(options, deps.fetch ? { fetch: deps.fetch } : {}), ...deps.adapters };
  const isConfigured = (provider: ProviderName) => adapters[provider] !== undefined;
  const batchClients = Object.fromEntries(
    PROVIDER_NAMES.map((name) => [name, PROVIDERS[name].createBatchClient(options, deps.fetch ? { fetch: deps.fetch } : {})]),
  ) as Record<ProviderName, BatchClient | null>;
  const ownsLimiters = !deps.limiters;
  const limiters =
    deps.limiters ??
    createLimiterRegistry({
      limitsFor: (key) => limitsFor(options, key),
      budgetWindowMs: options.budgetWindowMs,
      redisUrl: options.redisUrl,
      namespace: options.limiterNamespace,
      keyTtlMs: options.limiterKeyTtlMs,
      onError: (error) => deps.logger.error({ err: redact(error, secrets) }, "provider limiter error"),
    });
  const prices = createPriceTable(options.prices);
  const runner = {
    limiters,
    logger: deps.logger,
    timeoutMs: options.timeoutMs,
    random: deps.random,
    policy: {
      maxAttempts: options.maxAttempts,
      baseDelayMs: options.backoffBaseMs,
      maxDelayMs: options.backoffMaxMs,
      maxRetryAfterMs: options.maxRetryAfterMs,
    },
  };
  const cache = options.cacheEnabled ? deps.cache : null;

  interface Execution<O extends { usage: TokenUsage }> {
    kind: "generate" | "embed";
    request: CallAttribution & { cache?: "use" | "bypass"; signal?: AbortSignal };
    provider: ProviderName;
    model: string;
    adapter: ProviderAdapter | undefined;
    cacheKey: string | null;
    fromCache(hit: CachedModelResponse): O | null;
    toCache(output: O): CachedModelResponse | null;
    tokenWeight: () => number;
    attempt(adapter: ProviderAdapter, signal: AbortSignal, timeoutMs: number): Promise<O>;
  }

  async function execute<O extends { usage: TokenUsage }>(run: Execution<O>) {
    const startedAt = new Date();
    const { provider, model, request } = run;
    // Failures and cache hits cost 0 either way; `priced` still says whether the model is known.
    const priced = prices.priceOf(provider, model) !== null;
    const ledgerBase = {
      kind: run.kind,
      purpose: request.purpose,
      userId: request.userId ?? null,
      subjectId: request.subjectId ?? null,
      provider,
      model,
      startedAt,
    };
    const fail = async (raw: unknown, attempts: number): Promise<never> => {
      const error = redact(raw, secrets);
      await recordQuietly({
        ...ledgerBase,
        ...ZERO_USAGE,
        costUsd: 0,
        priced,
        latencyMs: Date.now() - startedAt.getTime(),
        cacheHit: false,
        attempts,
        errorCode: error instanceof ProviderError ? error.code : "INTERNAL_ERROR",
      });
      throw error;
    };

    if (!run.adapter) return fail(notConfigured(run.kind, provider), 0);
    if (request.signal?.aborted) return fail(abortedError(provider), 0);

    if (cache && run.cacheKey && request.cache !== "bypass") {
      const hit = await cacheGet(run.cacheKey);
      const output = hit ? run.fromCache(hit) : null;
      if (output) {
        await cache.recordHit(run.cacheKey).catch((error: unknown) => logCacheError(error, "recordHit"));
        const latencyMs = Date.now() - startedAt.getTime();
        const callId = await deps.ledger.record({
          ...ledgerBase,
          ...ZERO_USAGE,
          costUsd: 0,
          priced,
          latencyMs,
          cacheHit: true,
          attempts: 0,
          errorCode: null,
        });
        return { output, costUsd: 0, latencyMs, cached: true, callId };
      }
    }

    const adapter = run.adapter;
    const outcome = await runWithRetries(runner, {
      provider,
      model,
      limiterKey: limiterKeyOf(provider, model),
      // Counting tokens costs ~3 ms of CPU per call; only a token budget needs the figure.
      tokenWeight: !ownsLimiters || limitsFor(options, limiterKeyOf(provider, model)).tokensPerMinute ? run.tokenWeight() : 0,
      signal: request.signal,
      attempt: (signal, timeoutMs) => run.attempt(adapter, signal, timeoutMs),
    });
    if (!outcome.ok) return fail(outcome.error, outcome.attempts);

    const { costUsd } = prices.costOf(provider, model, outcome.value.usage);
    const cacheable = cache && run.cacheKey ? run.toCache(outcome.value) : null;
    if (cache && run.cacheKey && cacheable) {
      await cache
        .put(run.cacheKey, cacheable, options.cacheTtlMs)
        .catch((error: unknown) => logCacheError(error, "put"));
    }
    const latencyMs = Date.now() - startedAt.getTime();
    const callId = await deps.ledger.record({
      ...ledgerBase,
      ...outcome.value.usage,
      costUsd,
      priced,
      latencyMs,
      cacheHit: false,
      attempts: outcome.attempts,
      errorCode: null,
    });
    return { output: outcome.value, costUsd, latencyMs, cached: false, callId };
  }

  async function cacheGet(key: string): Promise<CachedModelResponse | null> {
    try {
      return (await cache?.get(key, new Date())) ?? null;
    } catch (error) {
      logCacheError(error, "get");
      return null;
    }
  }

  function logCacheError(error: unknown, operation: string) {
    deps.logger.warn({ err: redact(error, secrets), operation }, "response cache failed; continuing without it");
  }

  async function recordQuietly(entry: CallLedgerEntry) {
    try {
      await deps.ledger.record(entry);
    } catch (error) {
      // The caller gets the provider failure; a ledger outage must not mask it.
      deps.logger.error({ err: redact(error, secrets), code: entry.errorCode }, "could not record a failed call");
    }
  }

  function resolveChat(requestedProvider: ProviderName | undefined, requestedModel: string | undefined) {
    const provider = requestedProvider ?? (requestedModel ? routeModel(options.provider, requestedModel, isConfigured) : options.provider);
    const model = requestedModel ?? (provider === options.provider ? options.model : defaultChatModel(provider));
    return { provider, model };
  }

  const fallbacks = createFallbackRouter({
    table: options.fallbacks,
    cooldownMs: options.fallbackCooldownMs,
    resolve: (provider, model) => resolveChat(provider, model),
    ...(deps.now ? { now: deps.now } : {}),
  });

  /**
   * The primary target, then (unless the request opts out) the purpose's fallbacks: a target
   * whose call failed with a retryable error, retries exhausted, cools down and the next one
   * answers. The result names the provider and model that produced the answer.
   */
  async function generate(request: GenerateRequest): Promise<GenerateResult> {
    const primary = resolveChat(request.provider, request.model);
    const targets = request.fallbacks === false ? [primary] : fallbacks.candidates(request.purpose, primary);
    for (const [index, target] of targets.entries()) {
      try {
        return await generateOn(target, request);
      } catch (error) {
        const last = index === targets.length - 1;
        if (targets.length === 1 || !fallbacks.shouldFallBack(error) || request.signal?.aborted) throw error;
        fallbacks.coolDown(target);
        if (last) throw error;
        deps.logger.warn({ provider: target.provider, model: target.model, code: (error as ProviderError).code, purpose: request.purpose }, "model failed; falling back to the next one");
      }
    }
    throw new Error("no target to call");
  }

  async function generateOn({ provider, model }: { provider: ProviderName; model: string }, request: GenerateRequest): Promise<GenerateResult> {
    const maxOutputTokens = request.maxOutputTokens ?? options.defaultMaxOutputTokens;
    const userId = request.userId ?? null;
    // Local answers cost nothing and take microseconds: caching them would only add a query.
    const cacheKey =
      cache && provider !== "local"
        ? generateCacheKey({
            provider,
            model,
            userId,
            messages: request.messages,
            maxOutputTokens,
            temperature: request.temperature ?? null,
          })
        : null;
    const done = await execute({
      kind: "generate",
      request,
      provider,
      model,
      adapter: adapters[provider],
      cacheKey,
      fromCache: (hit) => (hit.kind === "generate" ? { text: hit.text, usage: hit.usage, complete: true } : null),
      toCache: (output) =>
        output.complete ? { kind: "generate", provider, model, userId, text: output.text, usage: output.usage } : null,
      tokenWeight: () => estimateMessageTokens(request.messages) + maxOutputTokens,
      attempt: (adapter, signal, timeoutMs) =>
        adapter.generate({
          model,
          messages: request.messages,
          maxOutputTokens,
          signal,
          timeoutMs,
          ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        }),
    });
    return { text: done.output.text, ...callFields(provider, model, done) };
  }

  async function embed(request: EmbedRequest): Promise<EmbedResult> {
    // No embedding provider configured happens only with LLM_PROVIDER=anthropic: resolving to
    // it yields the explicit "anthropic has no embeddings" PROVIDER_NOT_CONFIGURED below.
    const fallbackProvider = options.embeddingProvider ?? "anthropic";
    const provider = request.provider ?? (request.model ? routeModel(fallbackProvider, request.model, isConfigured) : fallbackProvider);
    const model =
      request.model ??
      (provider === options.embeddingProvider ? options.embeddingModel : defaultEmbeddingModel(provider));
    const userId = request.userId ?? null;
    const dimensions = provider === "local" ? options.localEmbeddingDim : null;
    const adapter = adapters[provider];
    const cacheKey =
      cache && provider !== "local" && request.inputs.length > 0
        ? embedCacheKey({ provider, model, userId, inputs: request.inputs, dimensions })
        : null;
    const done = await execute({
      kind: "embed",
      request,
      provider,
      model,
      adapter: adapter?.embed ? adapter : undefined,
      cacheKey,
      fromCache: (hit) =>
        hit.kind === "embed" && hit.vectors.length === request.inputs.length
          ? { vectors: hit.vectors, usage: hit.usage }
          : null,
      toCache: (output) => ({ kind: "embed", provider, model, userId, vectors: output.vectors, usage: output.usage }),
      tokenWeight: () => request.inputs.reduce((sum, input) => sum + countTokens(input), 0),
      attempt: (chosen, signal, timeoutMs) =>
        request.inputs.length === 0
          ? Promise.resolve({ vectors: [], usage: ZERO_USAGE })
          : chosen.embed!({ model, inputs: request.inputs, signal, timeoutMs }),
    });
    return { vectors: done.output.vectors, ...callFields(provider, model, done) };
  }

  return {
    generate,
    embed,
    defaults: () => ({ provider: options.provider, model: options.model, embeddingModel: options.embeddingModel }),
    limiters,
    prices,
    resolveChat,
    embeddingTarget: () => (options.embeddingProvider ? { provider: options.embeddingProvider, model: options.embeddingModel } : null),
    batchClient: (provider) => batchClients[provider] ?? null,
    close: async () => {
      if (ownsLimiters) await limiters.close();
    },
  };
}

const ZERO_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };

function notConfigured(kind: "generate" | "embed", provider: ProviderName): ProviderError {
  const definition = providerDefinition(provider);
  if (kind === "embed" && definition.defaultEmbeddingModel === null) {
    return new ProviderError(
      "PROVIDER_NOT_CONFIGURED",
      `${provider} has no embeddings endpoint: configure an embedding provider (openai or local)`,
    );
  }
  return new ProviderError("PROVIDER_NOT_CONFIGURED", `provider ${provider} is not configured: set ${definition.setupHint}`);
}

/**
 * Belt and braces: adapters never put keys in messages, but an unexpected error from a
 * library might. Any configured key found in a message is replaced before it leaves.
 */
function redact(error: unknown, secrets: string[]): unknown {
  if (!(error instanceof Error) || !secrets.some((secret) => error.message.includes(secret))) return error;
  const clean = secrets.reduce((text, secret) => text.split(secret).join("[redacted]"), error.message);
  if (error instanceof ProviderError) {
    return new ProviderError(error.code, clean, {
      retryable: error.retryable,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      ...(error.status === undefined ? {} : { status: error.status }),
    });
  }
  return new Error(clean);
}
