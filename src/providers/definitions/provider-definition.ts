import type { BatchClient } from "../batch/batch-client.ts";
import type { FetchLike, ProviderAdapter } from "../provider-adapter.ts";
import type { ProviderLimits, ResolvedProviderOptions } from "../provider-options.ts";
import type { ProviderName } from "../provider-types.ts";
import type { PriceOverrides } from "../price-table.ts";

/** What building an adapter may use besides the options. */
export interface AdapterFactoryDeps {
  fetch?: FetchLike;
}

/**
 * Everything Quire knows about one provider, in one place: the variables that configure it,
 * the secrets to keep out of logs and errors, its defaults, limits and list prices, which model
 * names are its own, and how to build its adapter. The registry (provider-registry.ts) is the
 * only list of providers; adding one means adding a definition, not editing nine files.
 */
export interface ProviderDefinition {
  name: ProviderName;
  /** Environment variables that configure it (read by config.ts, documented in the README). */
  env: readonly string[];
  /** The settings a user sets to enable it, quoted in PROVIDER_NOT_CONFIGURED messages. */
  setupHint: string;
  /** Chat model used when none is configured or requested. */
  defaultChatModel: string;
  /** Embedding model used when none is configured; null when the provider cannot embed. */
  defaultEmbeddingModel: string | null;
  /** Model names that belong to this provider (routed to it when a request names no provider). */
  ownsModel: RegExp | null;
  /** Limits that differ from the layer-wide defaults (LLM_MAX_CONCURRENT, LLM_RPM, LLM_TPM win when set). */
  limits: Partial<ProviderLimits>;
  /** Every call is free whatever the model (the offline provider). */
  free: boolean;
  /** Price factor of its batch API (0.5: half price), null when it has none. */
  batchPriceFactor: number | null;
  /** Largest batch its batch API takes, in bytes of serialised requests (null without a batch API). */
  batchMaxBytes: number | null;
  /** Input tokens one image of this size costs (what a page image sent to the model is billed as). */
  imageTokens(widthPx: number, heightPx: number): number;
  /** List prices, USD per 1M tokens (LLM_PRICES overrides them). */
  prices: PriceOverrides;
  /** Values that must never appear in a log line or an error message. */
  secrets(options: ResolvedProviderOptions): string[];
  /** The adapter, or null when the options do not configure this provider. */
  create(options: ResolvedProviderOptions, deps: AdapterFactoryDeps): ProviderAdapter | null;
  /** Its batch API client, or null when it has none or is not configured. */
  createBatchClient(options: ResolvedProviderOptions, deps: AdapterFactoryDeps): BatchClient | null;
}
