import { PermanentJobError } from "../jobs/job-definition.ts";
import { PdfError } from "../pdf/pdf-error.ts";
import { ProviderError } from "../providers/provider-types.ts";

export interface ClassifiedFailure {
  code: string;
  message: string;
  /** Retrying the same input cannot help: fail the document at once. */
  permanent: boolean;
}

/** Maps any error a stage throws to a stable code users see, and whether to retry. */
export function classifyFailure(error: unknown): ClassifiedFailure {
  // pdf.js messages quote bytes of the file; PostgreSQL text refuses NUL and it reads badly anyway.
  if (error instanceof PdfError) return { code: error.code, message: error.message.replace(/\p{Cc}+/gu, " "), permanent: error.permanent };
  if (error instanceof ProviderError) return { code: error.code, message: error.message, permanent: !error.retryable };
  if (error instanceof PermanentJobError) return { code: error.code, message: error.message, permanent: true };
  // Unknown failures keep their detail in the logs only; users get a generic message.
  return { code: "STAGE_FAILED", message: "The stage failed unexpectedly; it will be retried.", permanent: false };
}

/** Full-jitter exponential backoff: a random delay in [0, min(max, base * 2^attempt)). */
export function backoffDelayMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.floor(Math.random() * Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1)));
}
