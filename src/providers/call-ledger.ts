import type { ProviderErrorCode, ProviderName } from "./provider-types.ts";

/** Ledger code for a failure that was not a provider outcome (a bug, a store outage). */
export type LedgerErrorCode = ProviderErrorCode | "INTERNAL_ERROR";

/**
 * One gateway call, successful or not, as the ledger stores it. Tokens and cost are what the
 * call consumed from the provider: a cache hit records zeros (and `cacheHit: true`), a
 * failure records zeros and its code.
 */
export interface CallLedgerEntry {
  kind: "generate" | "embed";
  purpose: string;
  userId: string | null;
  subjectId: string | null;
  provider: ProviderName;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number;
  /** False when the model is missing from the price table: the cost shown is 0, "unpriced". */
  priced: boolean;
  /** Wall time of the whole call: queueing, pauses, retries and backoff included. */
  latencyMs: number;
  cacheHit: boolean;
  /** Provider attempts made (0 for cache hits and calls refused before any attempt). */
  attempts: number;
  errorCode: LedgerErrorCode | null;
  startedAt: Date;
}

/** Storage of the call ledger (the lead's Postgres store implements it). */
export interface CallLedgerStore {
  /** Persists `entry` and returns its id (GenerateResult/EmbedResult.callId). */
  record(entry: CallLedgerEntry): Promise<string>;
}
