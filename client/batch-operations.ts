/**
 * Batch operations and result shapes shared by the dashboard (web/) and the `quire` CLI (cli/):
 * both are clients of the public API, so they send the same documents and read the same shapes.
 */

export type Stage = "VALIDATE" | "RENDER" | "EXTRACT" | "PARSE" | "CLEAN" | "SUMMARIZE" | "CHUNK" | "EMBED" | "CITATIONS";
export const STAGES: Stage[] = ["VALIDATE", "RENDER", "EXTRACT", "PARSE", "CLEAN", "SUMMARIZE", "CHUNK", "EMBED", "CITATIONS"];
export type BatchStatus = "QUEUED" | "RUNNING" | "COMPLETED" | "PARTIAL" | "FAILED" | "CANCELLED";
export type DocumentStatus = "QUEUED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELLED";
export const TERMINAL_BATCH: readonly BatchStatus[] = ["COMPLETED", "PARTIAL", "FAILED", "CANCELLED"];

export interface ErrorInfo {
  code: string;
  message: string;
}

export interface StageProgress {
  stage: Stage;
  status: "PENDING" | "RUNNING" | "COMPLETED" | "FAILED" | "SKIPPED" | "CANCELLED";
  pagesDone: number;
  pagesTotal: number | null;
  error: ErrorInfo | null;
}

export interface DocumentRow {
  id: string;
  filename: string;
  status: DocumentStatus;
  stage: Stage | null;
  progress: number;
  pageCount: number | null;
  sizeBytes: number;
  error: ErrorInfo | null;
  stages: StageProgress[];
}

export interface BatchHead {
  id: string;
  label: string | null;
  status: BatchStatus;
  progress: number;
  documentCount: number;
  completedCount: number;
  failedCount: number;
  createdAt: string;
  finishedAt: string | null;
}

export interface Batch extends BatchHead {
  errorStrategy: string;
  priority: string;
  documents: DocumentRow[];
}

const DOCUMENT_FIELDS = `id filename status stage progress pageCount sizeBytes error { code message }
  stages { stage status pagesDone pagesTotal error { code message } }`;
const BATCH_HEAD = "id label status progress documentCount completedCount failedCount createdAt finishedAt";
const BATCH_FIELDS = `${BATCH_HEAD} errorStrategy priority documents { ${DOCUMENT_FIELDS} }`;

export const BATCH_QUERY = `query Batch($id: ID!) { batch(id: $id) { ${BATCH_FIELDS} } }`;
export const CANCEL_BATCH = `mutation Cancel($id: ID!) { cancelBatch(id: $id) { ${BATCH_FIELDS} } }`;
export const RETRY_BATCH = `mutation Retry($id: ID!) { retryBatch(id: $id) { ${BATCH_FIELDS} } }`;
export const UPLOAD_BATCH = `mutation Upload($files: [File!]!, $options: BatchOptionsInput) {
  uploadBatch(files: $files, options: $options) { ${BATCH_FIELDS} }
}`;

export interface BatchProgressEvent {
  kind: "SNAPSHOT" | "BATCH_STATUS" | "STAGE_STARTED" | "STAGE_COMPLETED" | "STAGE_FAILED" | "PAGE_PROGRESS" | "DOCUMENT_FINISHED";
  stage: Stage | null;
  pagesDone: number | null;
  pagesTotal: number | null;
  batch: BatchHead;
  document: DocumentRow | null;
}

export const BATCH_PROGRESS = `subscription BatchProgress($id: ID!) {
  batchProgress(batchId: $id) {
    kind stage pagesDone pagesTotal
    batch { ${BATCH_HEAD} }
    document { ${DOCUMENT_FIELDS} }
  }
}`;

export interface BatchUsage {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface BatchesPage {
  batches: {
    edges: { cursor: string; node: BatchHead & { usage: BatchUsage } }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}

export const BATCHES_QUERY = `query Batches($first: Int, $after: String, $last: Int, $before: String) {
  batches(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { ${BATCH_HEAD} usage { calls inputTokens outputTokens costUsd } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

/** Checks a key with the cheapest query that needs one. */
export const WHOAMI = `query SignIn { batches(first: 1) { pageInfo { hasNextPage } } }`;
