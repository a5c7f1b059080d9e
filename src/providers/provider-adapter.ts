import type { ChatMessage, ProviderName, TokenUsage } from "./provider-types.ts";

/** One attempt of a chat call, as the gateway hands it to an adapter. */
export interface AdapterGenerateCall {
  model: string;
  messages: ChatMessage[];
  maxOutputTokens: number;
  temperature?: number;
  /** Aborts on the caller's signal or the attempt's timeout, whichever comes first. */
  signal: AbortSignal;
  timeoutMs: number;
}

/** What one successful chat attempt produced. */
export interface AdapterGenerateOutput {
  text: string;
  usage: TokenUsage;
  /** False when the model stopped early (output cap, refusal): such answers are not cached. */
  complete: boolean;
}

/** One attempt of an embeddings call. */
export interface AdapterEmbedCall {
  model: string;
  inputs: string[];
  signal: AbortSignal;
  timeoutMs: number;
}

/** Vectors in input order. */
export interface AdapterEmbedOutput {
  vectors: number[][];
  usage: TokenUsage;
}

/**
 * One provider's wire format. Adapters make exactly one HTTP call per method call (no SDK
 * retries) and throw only ProviderError for provider failures; limits, retries, cache and
 * ledger belong to the gateway.
 */
export interface ProviderAdapter {
  readonly provider: ProviderName;
  generate(call: AdapterGenerateCall): Promise<AdapterGenerateOutput>;
  /** Absent when the provider has no embeddings endpoint. */
  embed?(call: AdapterEmbedCall): Promise<AdapterEmbedOutput>;
}

/** The `fetch` the SDKs use; tests and proxies may inject their own. */
export type FetchLike = typeof fetch;
