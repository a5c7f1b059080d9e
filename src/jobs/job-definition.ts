import type { z } from "zod";

/** Thrown by a job to say "this will never succeed": the job is not retried. */
export class PermanentJobError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentJobError";
    this.code = code;
  }
}

export interface JobRunContext {
  /** Aborted when this process shuts down; long work should stop promptly. */
  signal: AbortSignal;
  /** graphile-worker's attempt counter for this job row. */
  attempt: number;
}

/**
 * A typed job: its payload is validated when enqueued and again when run, so a stale or
 * hand-inserted row can never reach a handler with the wrong shape.
 */
export interface JobDefinition<P> {
  name: string;
  payload: z.ZodType<P>;
  run(payload: P, context: JobRunContext): Promise<void>;
}

export function defineJob<P>(definition: JobDefinition<P>): JobDefinition<P> {
  return definition;
}
