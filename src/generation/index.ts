/** Public surface of the generation domain, for resolvers and workers. */
export { generateBatch } from "./generate-batch-service.ts";
export type { GenerateBatchOptions, GenerationDeps } from "./generate-batch-service.ts";
export { streamGenerateBatch } from "./generate-batch-stream.ts";
export type { BatchEvent, BatchEventStream } from "./generate-batch-stream.ts";
export { parseGenerateBatchInput } from "./form-batch-input.ts";
export type { BatchInputLimits, GenerateBatchInput } from "./form-batch-input.ts";
export { FIELD_TYPES } from "./form-field-types.ts";
export type {
  BatchSummary,
  FieldError,
  FieldResponse,
  FieldSource,
  FieldType,
  FormFieldInput,
  GenerateBatchResult,
  GenerationContext,
} from "./form-field-types.ts";
export { GenerationInputError } from "./generation-input-error.ts";
export type { InputIssue } from "./generation-input-error.ts";
export { generatePrompts } from "./prompt-batch-service.ts";
export type { PromptBatchOptions, PromptBatchResult, PromptBatchSummary, PromptResult } from "./prompt-batch-service.ts";
export { benchmarkModels } from "./benchmark-service.ts";
export type { BenchmarkModelInput, BenchmarkOptions, ModelBenchmark } from "./benchmark-service.ts";
export { embedTexts } from "./embed-batch-service.ts";
export type { EmbedFailure, EmbedTextsOptions, EmbedTextsResult } from "./embed-batch-service.ts";
export { embedLines } from "./embed-lines-service.ts";
export type { EmbeddedLine, EmbedLinesOptions, EmbedProgress } from "./embed-lines-service.ts";
export type { EmbedOptions, EmbedStats } from "./embed-batch-runner.ts";
export { LineTooLongError, linesFromStream } from "./line-stream.ts";
export { EmbeddableLineCounter } from "./line-counter.ts";
export { streamGeneratePrompts } from "./prompt-batch-stream.ts";
export type { PromptEvent } from "./prompt-batch-stream.ts";
export type { PromptSpec } from "./prompt-batch-service.ts";
