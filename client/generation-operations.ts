/** Filling form fields live with generateBatchLive. */
import type { ErrorInfo } from "./batch-operations.ts";

export type FieldSource = "EXTRACTED" | "CACHED" | "GENERATED" | "FAILED";

export interface FieldResponse {
  fieldId: string;
  value: string;
  source: FieldSource;
  cached: boolean;
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
  parallelEfficiency: number;
}

export interface GenerateEvent {
  kind: "FIELD" | "SUMMARY";
  index: number | null;
  response: FieldResponse | null;
  summary: GenerateSummary | null;
}

export const GENERATE_LIVE = `subscription Fill($fields: [FormFieldInput!]!, $profile: JSON, $context: JSON, $maxParallel: Int) {
  generateBatchLive(fields: $fields, profile: $profile, context: $context, maxParallel: $maxParallel) {
    kind index
    response { fieldId value source cached notes tokens costUsd latencyMs error { code message } }
    summary { totalFields extractedCount cachedCount generatedCount failedCount totalTokens totalCostUsd totalTimeMs parallelEfficiency }
  }
}`;
