import { countTokens } from "../text/token-count.ts";
import type { PriceTable } from "./price-table.ts";
import type { ProviderName } from "./provider-types.ts";

/** One prompt as the estimate sees it. */
export interface EstimatedPrompt {
  prompt: string;
  system?: string | null;
  maxTokens?: number | null;
}

/**
 * What running prompts would cost at most. Input tokens are counted with Quire's tokenizer
 * (the providers' own counts differ by a few percent); output is bounded by each prompt's
 * output cap, so the costs are upper bounds, not forecasts.
 */
export interface CostEstimate {
  provider: ProviderName;
  model: string;
  prompts: number;
  inputTokens: number;
  maxOutputTokens: number;
  /** False when the model is not in the price table: the costs then read 0. */
  priced: boolean;
  inputCostUsd: number;
  maxCostUsd: number;
  /** The same through the provider's batch API (submitPromptBatch); null when it has none. */
  maxBatchCostUsd: number | null;
}

/** Estimates `prompts` on provider+model with `defaultMaxTokens` as the cap of prompts that set none. */
export function estimatePromptCost(
  prices: PriceTable,
  target: { provider: ProviderName; model: string; batchAvailable: boolean },
  prompts: readonly EstimatedPrompt[],
  defaultMaxTokens: number,
): CostEstimate {
  const inputTokens = prompts.reduce((sum, prompt) => sum + countTokens(prompt.prompt) + (prompt.system ? countTokens(prompt.system) : 0), 0);
  const maxOutputTokens = prompts.reduce((sum, prompt) => sum + (prompt.maxTokens ?? defaultMaxTokens), 0);
  const { provider, model } = target;
  const inputOnly = prices.costOf(provider, model, { inputTokens, outputTokens: 0, cachedInputTokens: 0 });
  const full = { inputTokens, outputTokens: maxOutputTokens, cachedInputTokens: 0 };
  const round = (usd: number) => Math.round(usd * 1e8) / 1e8;
  return {
    provider,
    model,
    prompts: prompts.length,
    inputTokens,
    maxOutputTokens,
    priced: inputOnly.priced,
    inputCostUsd: round(inputOnly.costUsd),
    maxCostUsd: round(prices.costOf(provider, model, full).costUsd),
    maxBatchCostUsd: target.batchAvailable ? round(prices.costOf(provider, model, full, "batch").costUsd) : null,
  };
}
