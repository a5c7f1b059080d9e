import { callbackStream } from "./callback-stream.ts";
import type { StoppableStream } from "./callback-stream.ts";
import { generatePrompts } from "./prompt-batch-service.ts";
import type { PromptBatchOptions, PromptBatchResult, PromptBatchSummary, PromptResult, PromptSpec } from "./prompt-batch-service.ts";
import type { GenerationDeps } from "./generate-batch-service.ts";

/** One event of streamed prompts: each result as it finishes, then the summary last. */
export type PromptEvent = { kind: "result"; result: PromptResult } | { kind: "summary"; summary: PromptBatchSummary };

/**
 * generatePrompts as an async iterator (see callbackStream): each prompt's result as it
 * finishes, then the summary. Unsubscribing aborts the prompts still outstanding.
 */
export function streamGeneratePrompts(
  deps: GenerationDeps,
  prompts: Array<string | PromptSpec>,
  options: Omit<PromptBatchOptions, "onResult"> = {},
): StoppableStream<PromptEvent> {
  return callbackStream<PromptEvent, PromptBatchResult>(
    (emit, signal) => generatePrompts(deps, prompts, { ...options, signal, onResult: (result) => emit({ kind: "result", result }) }),
    (result) => ({ kind: "summary", summary: result.summary }),
    options.signal,
  );
}
