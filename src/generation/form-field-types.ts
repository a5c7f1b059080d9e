/** The input kinds a form field can have; one list so the zod schema and the types agree. */
export const FIELD_TYPES = [
  "TEXT",
  "TEXTAREA",
  "EMAIL",
  "PHONE",
  "URL",
  "DATE",
  "NUMBER",
  "SELECT",
  "CHECKBOX",
  "RADIO",
] as const;

/** One of FIELD_TYPES. */
export type FieldType = (typeof FIELD_TYPES)[number];

/** A form field to fill, as the client describes it. */
export interface FormFieldInput {
  id: string;
  label: string;
  type: FieldType;
  /** Required for SELECT and RADIO; turns a CHECKBOX into a multi-choice group. */
  options?: string[];
  /** Maximum length of the value in UTF-16 code units, like HTML's maxlength. */
  maxLength?: number;
  required?: boolean;
  hint?: string;
}

/** What the form is for; shown to the model as data, never as instructions. */
export interface GenerationContext {
  company?: string;
  role?: string;
  description?: string;
}

/** How a field's value was obtained. */
export type FieldSource = "EXTRACTED" | "CACHED" | "GENERATED" | "FAILED";

/**
 * A stable error code and a message safe to show the user. Codes are the gateway's
 * ProviderErrorCode values plus ABORTED, INVALID_ANSWER (the model's answer does not fit the
 * field), NO_ANSWER (nothing to put in a required field) and GENERATION_FAILED (unexpected).
 */
export interface FieldError {
  code: string;
  message: string;
}

/** The outcome for one field. */
export interface FieldResponse {
  fieldId: string;
  /**
   * The value to put in the field. SELECT/RADIO: one of the options. CHECKBOX: "true"/"false",
   * or with options a JSON array of the chosen options (e.g. `["Remote","Hybrid"]`). DATE:
   * YYYY-MM-DD unless the hint asks for MM/DD/YYYY or DD/MM/YYYY. Empty when FAILED.
   */
  value: string;
  source: FieldSource;
  /** True when the gateway served the answer from its response cache. */
  cached: boolean;
  /**
   * Input plus output tokens the provider call consumed, as the gateway reported them: 0 for
   * EXTRACTED and for CACHED (a cache hit consumes none; the ledger records 0 too).
   */
  tokens: number;
  costUsd: number;
  /** Time this field took once it got a slot: the model call plus post-processing. */
  latencyMs: number;
  error: FieldError | null;
  /** Adjustments made to the answer (fuzzy option match, truncation, normalisation). */
  notes: string[];
}

/** Figures for a whole batch. */
export interface BatchSummary {
  totalFields: number;
  totalTokens: number;
  totalCostUsd: number;
  cachedCount: number;
  extractedCount: number;
  generatedCount: number;
  failedCount: number;
  totalTimeMs: number;
  /** See parallelEfficiency() in batch-summary.ts for the exact definition; always within 0..1. */
  parallelEfficiency: number;
}

/** Responses in input order plus the summary. */
export interface GenerateBatchResult {
  responses: FieldResponse[];
  summary: BatchSummary;
}
