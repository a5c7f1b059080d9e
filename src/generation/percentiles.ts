/**
 * Nearest-rank percentile: the smallest observed value such that at least p% of the values are
 * less than or equal to it, i.e. sorted[ceil(p/100 × n) − 1]. Chosen over interpolation
 * because it always reports a latency that actually happened; with few samples (3 runs) p95
 * is simply the slowest run. Returns null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
}

/** Arithmetic mean, or null for no values. */
export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}
