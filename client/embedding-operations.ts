/** Embedding a text file line by line with embedFile, and following the job. */
import type { ErrorInfo } from "./batch-operations.ts";

export interface EmbeddingJob {
  id: string;
  filename: string;
  status: "QUEUED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELLED";
  processed: number;
  failed: number;
  total: number | null;
  batchSize: number;
  downloadUrl: string;
  error: ErrorInfo | null;
}

export interface EmbeddingEvent {
  kind: "SNAPSHOT" | "PROGRESS" | "FINISHED";
  job: EmbeddingJob;
}

const EMBEDDING_FIELDS = "id filename status processed failed total batchSize downloadUrl error { code message }";
export const EMBED_FILE = `mutation EmbedFile($file: File!, $batchSize: Int) { embedFile(file: $file, batchSize: $batchSize) { ${EMBEDDING_FIELDS} } }`;
export const EMBEDDING_PROGRESS = `subscription EmbeddingProgress($id: ID!) {
  embeddingProgress(jobId: $id) { kind job { ${EMBEDDING_FIELDS} } }
}`;
