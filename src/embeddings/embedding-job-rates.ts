/** How fast a job goes and when it should end, from its row. */
export interface EmbeddingJobRates {
  /** Since embedding began, until it ended (or now); null before it began. */
  elapsedMs: number | null;
  /** Lines stored per second of elapsed time; null before it began. */
  linesPerSecond: number | null;
  /** Seconds until the remaining lines are stored at the current rate; null when unknown or finished. */
  etaSeconds: number | null;
}

/** Rates of a job at `now` (injected so callers and tests agree on the instant). */
export function embeddingJobRates(
  job: { status: string; processed: number; total: number | null; startedAt: Date | null; finishedAt: Date | null },
  now: Date,
): EmbeddingJobRates {
  if (!job.startedAt) return { elapsedMs: null, linesPerSecond: null, etaSeconds: null };
  const elapsedMs = Math.max(0, (job.finishedAt ?? now).getTime() - job.startedAt.getTime());
  const linesPerSecond = elapsedMs > 0 ? Math.round((job.processed / (elapsedMs / 1000)) * 100) / 100 : null;
  const running = job.status === "RUNNING" || job.status === "QUEUED";
  const etaSeconds =
    running && job.total !== null && linesPerSecond
      ? Math.round((Math.max(0, job.total - job.processed) / linesPerSecond) * 10) / 10
      : null;
  return { elapsedMs, linesPerSecond, etaSeconds };
}
