import type { ProviderName, TokenUsage } from "../provider-types.ts";

/** One request of a provider batch: `customId` ties its result back to it. */
export interface BatchRequest {
  customId: string;
  model: string;
  system: string | null;
  prompt: string;
  temperature: number | null;
  maxOutputTokens: number;
}

/** A provider batch's state as its API reports it, normalised. */
export interface RemoteBatch {
  /** Terminal states end polling; "running" covers validating, in progress and finalizing. */
  status: "running" | "completed" | "failed" | "expired" | "cancelled";
  counts: { total: number; completed: number; failed: number };
}

/** One request's outcome, matched by customId (results come back in any order). */
export type BatchResult =
  | { customId: string; ok: true; text: string; usage: TokenUsage }
  | { customId: string; ok: false; code: string; message: string };

/**
 * A provider's batch API, one HTTP call per method (the job handler owns retries and
 * backoff). `tag` is Quire's job id, stored with the provider batch so a submit interrupted
 * after the provider accepted it finds that batch instead of creating a second one.
 */
export interface BatchClient {
  readonly provider: ProviderName;
  /** Uploads the requests (when the provider needs a file) and returns its id, or null. */
  upload(tag: string, requests: readonly BatchRequest[]): Promise<string | null>;
  /** The provider batch already created for `tag`, if any. */
  findByTag(tag: string): Promise<string | null>;
  /** Creates the batch from the upload (or the requests themselves) and returns its id. */
  create(tag: string, uploadId: string | null, requests: readonly BatchRequest[]): Promise<string>;
  retrieve(batchId: string): Promise<RemoteBatch>;
  /** Every result available for a batch in a terminal state. */
  results(batchId: string): Promise<BatchResult[]>;
  cancel(batchId: string): Promise<void>;
}
