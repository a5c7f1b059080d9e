import type { BatchSummary, FieldResponse } from "./form-field-types.ts";

/**
 * How well the batch used the parallelism it was allowed:
 *
 *   parallelEfficiency = Σ dᵢ / (W × min(P, N))
 *
 * where dᵢ is the duration of each field that made a gateway call (GENERATED, CACHED, or
 * FAILED after calling), measured from the moment it got a slot until its answer was
 * post-processed; N is the number of such fields; P is maxParallel; W is the batch's wall time
 * (totalTimeMs). Every dᵢ lies inside W and at most min(P, N) calls run at any instant, so
 * the ratio is within 0..1: 1 means every allowed slot was busy for the whole batch. It is 0
 * when no field needed a call (nothing was parallelised). Clamped to 0..1 against clock jitter.
 */
export function parallelEfficiency(callDurationsMs: readonly number[], wallTimeMs: number, maxParallel: number): number {
  const calls = callDurationsMs.length;
  if (calls === 0 || wallTimeMs <= 0) return 0;
  const busy = callDurationsMs.reduce((sum, duration) => sum + duration, 0);
  const ratio = busy / (wallTimeMs * Math.min(maxParallel, calls));
  return Math.min(1, Math.max(0, Math.round(ratio * 1000) / 1000));
}

/** Totals and counts for a finished batch; `callDurationsMs` as for parallelEfficiency. */
export function summariseBatch(
  responses: readonly FieldResponse[],
  callDurationsMs: readonly number[],
  totalTimeMs: number,
  maxParallel: number,
): BatchSummary {
  const count = (source: FieldResponse["source"]) => responses.filter((response) => response.source === source).length;
  return {
    totalFields: responses.length,
    totalTokens: responses.reduce((sum, response) => sum + response.tokens, 0),
    totalCostUsd: roundUsd(responses.reduce((sum, response) => sum + response.costUsd, 0)),
    cachedCount: count("CACHED"),
    extractedCount: count("EXTRACTED"),
    generatedCount: count("GENERATED"),
    failedCount: count("FAILED"),
    totalTimeMs: roundMs(totalTimeMs),
    parallelEfficiency: parallelEfficiency(callDurationsMs, totalTimeMs, maxParallel),
  };
}

/** Milliseconds to 0.01 ms: finer is noise, coarser hides the cost of extraction. */
export function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** Dollars to 1e-9: sums of float costs otherwise print as 0.30000000000000004. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}
