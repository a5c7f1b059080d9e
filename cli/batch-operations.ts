/** The GraphQL operations and result shapes the batch commands share. */

export const DOCUMENT_ROW = `id filename status stage progress pageCount error { code message }`;
export const BATCH_FIELDS = `id label status progress documentCount completedCount failedCount createdAt finishedAt`;

export interface DocumentRow {
  id: string;
  filename: string;
  status: string;
  stage: string | null;
  progress: number;
  pageCount: number | null;
  error: { code: string; message: string } | null;
}

export interface BatchRow {
  id: string;
  label: string | null;
  status: string;
  progress: number;
  documentCount: number;
  completedCount: number;
  failedCount: number;
  createdAt: string;
  finishedAt: string | null;
}

export const BATCH_QUERY = `query Batch($id: ID!) { batch(id: $id) { ${BATCH_FIELDS} documents { ${DOCUMENT_ROW} } } }`;

export const UPLOAD_MUTATION = `mutation Upload($files: [File!]!, $options: BatchOptionsInput) {
  uploadBatch(files: $files, options: $options) { ${BATCH_FIELDS} documents { ${DOCUMENT_ROW} } }
}`;

export const BATCH_PROGRESS_SUBSCRIPTION = `subscription Progress($batchId: ID!) {
  batchProgress(batchId: $batchId) {
    kind stage pagesDone pagesTotal
    batch { ${BATCH_FIELDS} }
    document { ${DOCUMENT_ROW} }
  }
}`;

export interface BatchProgressEvent {
  kind: string;
  stage: string | null;
  pagesDone: number | null;
  pagesTotal: number | null;
  batch: BatchRow;
  document: DocumentRow | null;
}

export const TERMINAL_BATCH_STATUSES = new Set(["COMPLETED", "FAILED", "PARTIAL", "CANCELLED"]);
