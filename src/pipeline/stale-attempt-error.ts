/**
 * A worker tried to commit a result for an attempt that is no longer current (its job was
 * reclaimed and re-run elsewhere, or the batch was cancelled). The result is discarded.
 */
export class StaleAttemptError extends Error {
  constructor(documentId: string, stage: string, attempt: number) {
    super(`attempt ${attempt} of ${stage} for document ${documentId} is no longer current`);
    this.name = "StaleAttemptError";
  }
}
