/**
 * The GraphQL operations the dashboard sends, with the shapes of their results. They are the
 * public API's own operations: anything the dashboard shows, a script can get the same way.
 */

export type Stage = "VALIDATE" | "RENDER" | "EXTRACT" | "PARSE" | "CLEAN" | "SUMMARIZE" | "CHUNK" | "EMBED" | "CITATIONS";
export const STAGES: Stage[] = ["VALIDATE", "RENDER", "EXTRACT", "PARSE", "CLEAN", "SUMMARIZE", "CHUNK", "EMBED", "CITATIONS"];
export type BatchStatus = "QUEUED" | "RUNNING" | "COMPLETED" | "PARTIAL" | "FAILED" | "CANCELLED";
export type DocumentStatus = "QUEUED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELLED";
export const TERMINAL_BATCH: BatchStatus[] = ["COMPLETED", "PARTIAL", "FAILED", "CANCELLED"];

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

export const BATCH_QUERY = `query Batch($id: ID!) {
  batch(id: $id) { ${BATCH_HEAD} errorStrategy priority documents { ${DOCUMENT_FIELDS} } }
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

export const CANCEL_BATCH = `mutation Cancel($id: ID!) { cancelBatch(id: $id) { ${BATCH_HEAD} } }`;
export const RETRY_BATCH = `mutation Retry($id: ID!) { retryBatch(id: $id) { ${BATCH_HEAD} } }`;

export const UPLOAD_BATCH = `mutation Upload($files: [File!]!, $options: BatchOptionsInput) {
  uploadBatch(files: $files, options: $options) { id }
}`;

export const BATCHES_QUERY = `query Batches($first: Int, $after: String, $last: Int, $before: String) {
  batches(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { ${BATCH_HEAD} } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

export interface BatchesPage {
  batches: {
    edges: { cursor: string; node: BatchHead }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}

export interface DocumentDetail {
  id: string;
  filename: string;
  title: string | null;
  status: DocumentStatus;
  pageCount: number | null;
  summary: string | null;
  error: ErrorInfo | null;
  pages: { number: number; imageUrl: string | null; markdown: string | null; width: number | null; height: number | null }[];
  chunks: { index: number; headingPath: string[]; pageStart: number; pageEnd: number; tokenCount: number; text: string }[];
  references: {
    index: number;
    raw: string;
    title: string | null;
    authors: string[];
    year: number | null;
    doi: string | null;
    arxivId: string | null;
    target: { id: string; filename: string } | null;
  }[];
}

export const DOCUMENT_QUERY = `query Document($id: ID!, $pages: Int!) {
  document(id: $id) {
    id filename title status pageCount summary error { code message }
    pages(first: $pages) { number imageUrl markdown width height }
    chunks(first: 100) { index headingPath pageStart pageEnd tokenCount text }
    references { index raw title authors year doi arxivId target { id filename } }
  }
}`;

/** Checks a key with the cheapest query that needs one. */
export const WHOAMI = `query SignIn { batches(first: 1) { pageInfo { hasNextPage } } }`;

export type FieldSource = "EXTRACTED" | "CACHED" | "GENERATED" | "FAILED";
export interface FieldResponse {
  fieldId: string;
  value: string;
  source: FieldSource;
  notes: string[];
  tokens: number;
  costUsd: number;
  latencyMs: number;
  error: ErrorInfo | null;
}
export interface GenerateSummary {
  totalFields: number;
  extractedCount: number;
  cachedCount: number;
  generatedCount: number;
  failedCount: number;
  totalTokens: number;
  totalCostUsd: number;
  totalTimeMs: number;
}
export interface GenerateEvent {
  generateBatchLive: { kind: "FIELD" | "SUMMARY"; index: number | null; response: FieldResponse | null; summary: GenerateSummary | null };
}
export const GENERATE_LIVE = `subscription Fill($fields: [FormFieldInput!]!, $profile: JSON, $context: JSON) {
  generateBatchLive(fields: $fields, profile: $profile, context: $context) {
    kind index
    response { fieldId value source notes tokens costUsd latencyMs error { code message } }
    summary { totalFields extractedCount cachedCount generatedCount failedCount totalTokens totalCostUsd totalTimeMs }
  }
}`;

export interface EmbeddingJob {
  id: string;
  filename: string;
  status: "QUEUED" | "RUNNING" | "COMPLETED" | "FAILED";
  processed: number;
  failed: number;
  total: number | null;
  downloadUrl: string;
  error: ErrorInfo | null;
}
const EMBEDDING_FIELDS = "id filename status processed failed total downloadUrl error { code message }";
export const EMBED_FILE = `mutation EmbedFile($file: File!, $batchSize: Int) { embedFile(file: $file, batchSize: $batchSize) { ${EMBEDDING_FIELDS} } }`;
export interface EmbeddingEvent {
  embeddingProgress: { kind: "SNAPSHOT" | "PROGRESS" | "FINISHED"; job: EmbeddingJob };
}
export const EMBEDDING_PROGRESS = `subscription EmbeddingProgress($id: ID!) {
  embeddingProgress(jobId: $id) { kind job { ${EMBEDDING_FIELDS} } }
}`;

export interface CitationNetwork {
  nodes: { document: { id: string; filename: string; title: string | null }; inDegree: number; outDegree: number; pageRank: number; component: number }[];
  edges: { source: { id: string }; target: { id: string } | null; confidence: number; matchedBy: string }[];
  metrics: {
    documentCount: number;
    linkCount: number;
    componentCount: number;
    largestComponentSize: number;
    coCitations: { first: { filename: string }; second: { filename: string }; count: number }[];
    bibliographicCoupling: { first: { filename: string }; second: { filename: string }; count: number }[];
  };
  externalWorks: { title: string; year: number | null; doi: string | null; citedBy: { filename: string }[] }[];
}
export const CITATION_NETWORK = `query Research($id: ID!) {
  citationNetwork(batchId: $id) {
    nodes { document { id filename title } inDegree outDegree pageRank component }
    edges { source { id } target { id } confidence matchedBy }
    metrics {
      documentCount linkCount componentCount largestComponentSize
      coCitations { first { filename } second { filename } count }
      bibliographicCoupling { first { filename } second { filename } count }
    }
    externalWorks(first: 20) { title year doi citedBy { filename } }
  }
}`;

export interface BatchReport {
  documentCount: number;
  completedCount: number;
  failedCount: number;
  pageCount: number;
  referenceCount: number;
  citationLinkCount: number;
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  failures: { code: string; count: number }[];
  topics: { label: string; keywords: string[]; silhouette: number; documents: { id: string; filename: string }[] }[];
}
export const BATCH_REPORT = `query Report($id: ID!) {
  batchReport(batchId: $id) {
    documentCount completedCount failedCount pageCount referenceCount citationLinkCount
    modelCalls inputTokens outputTokens costUsd
    failures { code count }
    topics { label keywords silhouette documents { id filename } }
  }
}`;

export interface EntityCluster {
  id: string;
  name: string;
  kind: string;
  aliases: string[];
  mentionCount: number;
  confidence: number;
  documents: { id: string; filename: string }[];
}
export const ENTITY_CLUSTERS = `query Entities($id: ID!) {
  entityClusters(batchId: $id, first: 30) { id name kind aliases mentionCount confidence documents { id filename } }
}`;
