import type { ProviderName, TokenUsage } from "./provider-types.ts";

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

/**
 * List prices as published by OpenAI and Anthropic (standard tier). Anthropic cache writes
 * are billed as plain input here, a slight under-estimate. Override through config when
 * prices change rather than editing this table in a hurry.
 */
export const DEFAULT_PRICES: Readonly<PriceOverrides> = {
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
};

// Dated snapshots ("gpt-4o-2024-08-06", "claude-sonnet-4-20250514") and "-latest" aliases
// price like their base id. Other suffixes ("claude-opus-4-6") deliberately do not match:
// a new model flagged unpriced is better than one silently billed at an older model's rate.
const SNAPSHOT_SUFFIX = /^-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

/** Looks up model prices: overrides first, then the defaults; local models are free. */
export interface PriceTable {
  priceOf(provider: ProviderName, model: string): ModelPrice | null;
  costOf(provider: ProviderName, model: string, usage: TokenUsage): CallCost;
}

/** Builds the price table from config overrides (which win over DEFAULT_PRICES). */
export function createPriceTable(overrides: PriceOverrides = {}): PriceTable {
  const prices: PriceOverrides = { ...DEFAULT_PRICES, ...overrides };

  function priceOf(provider: ProviderName, model: string): ModelPrice | null {
    if (provider === "local") return { input: 0, output: 0 };
    const exact = prices[model];
    if (exact) return exact;
    for (const [base, price] of Object.entries(prices)) {
      if (model.startsWith(base) && SNAPSHOT_SUFFIX.test(model.slice(base.length))) return price;
    }
    return null;
  }

  function costOf(provider: ProviderName, model: string, usage: TokenUsage): CallCost {
    const price = priceOf(provider, model);
    if (!price) return { costUsd: 0, priced: false };
    // inputTokens includes the cached ones (OpenAI's convention, which the adapters normalise to).
    const cached = Math.min(usage.cachedInputTokens, usage.inputTokens);
    const usd =
      (usage.inputTokens - cached) * price.input +
      cached * (price.cachedInput ?? price.input) +
      usage.outputTokens * price.output;
    return { costUsd: usd / 1_000_000, priced: true };
  }

  return { priceOf, costOf };
}
