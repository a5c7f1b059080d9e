import type { ProviderName, TokenUsage } from "./provider-types.ts";
import { PROVIDER_NAMES, PROVIDERS } from "./provider-registry.ts";

/** USD per 1 million tokens. `cachedInput` defaults to `input` when a model has no discount. */
export interface ModelPrice {
  input: number;
  output: number;
  cachedInput?: number;
}

/** Overrides keyed by model id (exact id, or a base id that also prices its dated snapshots). */
export type PriceOverrides = Record<string, ModelPrice>;

/** A call's cost; `priced: false` means the model is not in the table and the cost is 0. */
export interface CallCost {
  costUsd: number;
  priced: boolean;
}

/** Every provider's list prices (standard tier), from the provider registry. */
export const DEFAULT_PRICES: Readonly<PriceOverrides> = Object.assign(
  {},
  ...PROVIDER_NAMES.map((name) => PROVIDERS[name].prices),
) as PriceOverrides;

// Dated snapshots ("gpt-4o-2024-08-06", "claude-sonnet-4-20250514") and "-latest" aliases
// price like their base id. Other suffixes ("claude-opus-4-6") deliberately do not match:
// a new model flagged unpriced is better than one silently billed at an older model's rate.
const SNAPSHOT_SUFFIX = /^-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

/** Looks up model prices: overrides first, then the defaults; local models are free. */
export interface PriceTable {
  priceOf(provider: ProviderName, model: string): ModelPrice | null;
  /** The cost of `usage`; `tier: "batch"` applies the provider's batch price factor. */
  costOf(provider: ProviderName, model: string, usage: TokenUsage, tier?: "standard" | "batch"): CallCost;
}

/** Builds the price table from config overrides (which win over DEFAULT_PRICES). */
export function createPriceTable(overrides: PriceOverrides = {}): PriceTable {
  const prices: PriceOverrides = { ...DEFAULT_PRICES, ...overrides };

  function priceOf(provider: ProviderName, model: string): ModelPrice | null {
    if (PROVIDERS[provider].free) return { input: 0, output: 0 };
    const exact = prices[model];
    if (exact) return exact;
    for (const [base, price] of Object.entries(prices)) {
      if (model.startsWith(base) && SNAPSHOT_SUFFIX.test(model.slice(base.length))) return price;
    }
    return null;
  }

  function costOf(provider: ProviderName, model: string, usage: TokenUsage, tier: "standard" | "batch" = "standard"): CallCost {
    const price = priceOf(provider, model);
    if (!price) return { costUsd: 0, priced: false };
    // inputTokens includes the cached ones (OpenAI's convention, which the adapters normalise to).
    const cached = Math.min(usage.cachedInputTokens, usage.inputTokens);
    const usd =
      (usage.inputTokens - cached) * price.input +
      cached * (price.cachedInput ?? price.input) +
      usage.outputTokens * price.output;
    const factor = tier === "batch" ? (PROVIDERS[provider].batchPriceFactor ?? 1) : 1;
    return { costUsd: (usd * factor) / 1_000_000, priced: true };
  }

  return { priceOf, costOf };
}
