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
  /** Prompts estimated (0 for a pipeline run). */
  prompts: number;
  /** Documents and pages of a pipeline run (0 for prompts). */
  documents: number;
  pages: number;
  /** Model calls, embedding requests included. */
  calls: number;
  /** The same per purpose (generation.prompt, pipeline.parse, pipeline.summarize, pipeline.embed). */
  parts: CostEstimatePart[];
  inputTokens: number;
  maxOutputTokens: number;
  /** False when the model is not in the price table: the costs then read 0. */
  priced: boolean;
  inputCostUsd: number;
  maxCostUsd: number;
  /** The same through the provider's batch API (submitPromptBatch); null when it has none. */
  maxBatchCostUsd: number | null;
}

/** One purpose's share of an estimate, with the provider and model that would serve it. */
export interface CostEstimatePart {
  purpose: string;
  provider: ProviderName;
  model: string;
  calls: number;
  inputTokens: number;
  maxOutputTokens: number;
  priced: boolean;
  inputCostUsd: number;
  maxCostUsd: number;
}

/** Rounds to 1e-8 USD, as every estimate reports. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e8) / 1e8;
}

/** Prices `calls` calls of one purpose on provider+model (real-time prices). */
export function estimatePart(
  prices: PriceTable,
  part: { purpose: string; provider: ProviderName; model: string; calls: number; inputTokens: number; maxOutputTokens: number },
): CostEstimatePart {
  const inputOnly = prices.costOf(part.provider, part.model, { inputTokens: part.inputTokens, outputTokens: 0, cachedInputTokens: 0 });
  const full = prices.costOf(part.provider, part.model, { inputTokens: part.inputTokens, outputTokens: part.maxOutputTokens, cachedInputTokens: 0 });
  return { ...part, priced: inputOnly.priced, inputCostUsd: roundUsd(inputOnly.costUsd), maxCostUsd: roundUsd(full.costUsd) };
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
  // One purpose: the estimate's totals are its only part's.
  const part = estimatePart(prices, { purpose: "generation.prompt", provider, model, calls: prompts.length, inputTokens, maxOutputTokens });
  const full = { inputTokens, outputTokens: maxOutputTokens, cachedInputTokens: 0 };
  return {
    provider,
    model,
    prompts: prompts.length,
    documents: 0,
    pages: 0,
    calls: part.calls,
    parts: [part],
    inputTokens,
    maxOutputTokens,
    priced: part.priced,
    inputCostUsd: part.inputCostUsd,
    maxCostUsd: part.maxCostUsd,
    maxBatchCostUsd: target.batchAvailable ? roundUsd(prices.costOf(provider, model, full, "batch").costUsd) : null,
  };
}
