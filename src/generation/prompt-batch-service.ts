import Bottleneck from "bottleneck";
import { z } from "zod";
import { ProviderError } from "../providers/provider-types.ts";
import type { ProviderName } from "../providers/provider-types.ts";
import { roundMs, roundUsd } from "./batch-summary.ts";
import { toCallError, withAbort } from "./call-errors.ts";
import type { FieldError } from "./form-field-types.ts";
import type { GenerationDeps } from "./generate-batch-service.ts";
import { parseOrThrow } from "./generation-input-error.ts";
import { serialCallback } from "./serial-callback.ts";

/**
 * One prompt with its own choices; unset ones come from the request (model, provider) or the
 * provider's defaults. A plain string is a prompt with no choices of its own.
 */
export interface PromptSpec {
  prompt: string;
  provider?: ProviderName | null;
  model?: string | null;
  /** Sent as the system message. */
  system?: string | null;
  temperature?: number | null;
  maxTokens?: number | null;
}

/** The outcome of one prompt; `text` is null and `error` set when it failed. */
export interface PromptResult {
  index: number;
  prompt: string;
  /** The provider and model that answered (or were asked, when the call failed). */
  provider: ProviderName | null;
  model: string | null;
  success: boolean;
  text: string | null;
  error: FieldError | null;
  /** Input plus output tokens the call consumed (0 when the response cache answered, as in the ledger). */
  tokens: number;
  latencyMs: number;
  costUsd: number;
  cached: boolean;
}

/** Totals for a prompt batch. */
export interface PromptBatchSummary {
  total: number;
  succeeded: number;
  failed: number;
  cachedCount: number;
  totalTokens: number;
  totalCostUsd: number;
  totalTimeMs: number;
}

/** Results in input order plus totals. */
export interface PromptBatchResult {
  results: PromptResult[];
  summary: PromptBatchSummary;
}

/** Per-request settings of generatePrompts. */
export interface PromptBatchOptions {
  model?: string;
  provider?: ProviderName;
  /** Calls in flight at once for this request, 1..50; default 5. */
  maxConcurrent?: number;
  /** Most prompts per request; default 100. */
  maxPrompts?: number;
  /** Longest prompt in characters; default 100,000. */
  maxPromptChars?: number;
  maxOutputTokens?: number;
  userId?: string | null;
  subjectId?: string | null;
  /** Aborting finishes outstanding prompts as failed with code ABORTED. */
  signal?: AbortSignal;
  /** Called once per prompt as it finishes, one call at a time, for streaming. */
  onResult?: (result: PromptResult) => void | Promise<void>;
}

function promptBatchSchema(maxPrompts: number, maxPromptChars: number) {
  const text = z
    .string("each prompt must be a string")
    .refine((prompt) => prompt.trim() !== "", "prompt is empty")
    .refine((prompt) => prompt.length <= maxPromptChars, `prompt is longer than ${maxPromptChars} characters`);
  const spec = z.object({
    prompt: text,
    provider: z.enum(["openai", "anthropic", "local"], "provider must be openai, anthropic or local").nullish(),
    model: z.string().trim().min(1, "model must not be empty").nullish(),
    system: z.string().max(maxPromptChars, `system is longer than ${maxPromptChars} characters`).nullish(),
    temperature: z.number("temperature must be a number").min(0, "temperature must be at least 0").max(2, "temperature must be at most 2").nullish(),
    maxTokens: z.int("maxTokens must be a whole number").min(1, "maxTokens must be at least 1").max(128_000, "maxTokens must be at most 128,000").nullish(),
  });
  return z.object({
    prompts: z
      .array(
        // A plain string is checked as a string so its issues sit at prompts[i], not prompts[i].prompt.
        z.unknown().transform((value, ctx): PromptSpec => {
          const parsed = typeof value === "string" ? text.safeParse(value) : spec.safeParse(value);
          if (parsed.success) return typeof parsed.data === "string" ? { prompt: parsed.data } : parsed.data;
          for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
          return z.NEVER;
        }),
        "prompts must be a list",
      )
      .min(1, "prompts must contain at least one prompt")
      .max(maxPrompts, `prompts may contain at most ${maxPrompts} prompts`),
    model: z.string().trim().min(1, "model must not be empty").optional(),
    maxConcurrent: z
      .int("maxConcurrent must be a whole number")
      .min(1, "maxConcurrent must be at least 1")
      .max(50, "maxConcurrent must be at most 50")
      .default(5),
  });
}

/**
 * Runs independent prompts through the gateway, at most `maxConcurrent` at once. A failed
 * prompt is reported in its result and never fails the batch. Throws GenerationInputError for
 * invalid input (naming the prompt: "prompts[2]: prompt is empty").
 */
export async function generatePrompts(
  deps: GenerationDeps,
  prompts: Array<string | PromptSpec>,
  options: PromptBatchOptions = {},
): Promise<PromptBatchResult> {
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const schema = promptBatchSchema(options.maxPrompts ?? 100, options.maxPromptChars ?? 100_000);
  const input = parseOrThrow(schema, { prompts, model: options.model, maxConcurrent: options.maxConcurrent }, (path) =>
    path[0] === "prompts" && typeof path[1] === "number" ? `prompts[${path[1]}]` : undefined,
  );
  const limiter = new Bottleneck({ maxConcurrent: input.maxConcurrent });
  const notify = serialCallback(options.onResult);
  const results = await Promise.all(
    input.prompts.map(async (prompt, index) => {
      const result = await limiter.schedule(() => runPrompt(deps, now, prompt, index, input.model, options));
      notify.call(result);
      return result;
    }),
  );
  await notify.drain();
  return {
    results,
    summary: {
      total: results.length,
      succeeded: results.filter((result) => result.success).length,
      failed: results.filter((result) => !result.success).length,
      cachedCount: results.filter((result) => result.cached).length,
      totalTokens: results.reduce((sum, result) => sum + result.tokens, 0),
      totalCostUsd: roundUsd(results.reduce((sum, result) => sum + result.costUsd, 0)),
      totalTimeMs: roundMs(now() - started),
    },
  };
}

async function runPrompt(
  deps: GenerationDeps,
  now: () => number,
  spec: PromptSpec,
  index: number,
  model: string | undefined,
  options: PromptBatchOptions,
): Promise<PromptResult> {
  const { signal } = options;
  const chosenModel = spec.model ?? model;
  const chosenProvider = spec.provider ?? options.provider;
  const base = {
    index,
    prompt: spec.prompt,
    provider: chosenProvider ?? null,
    model: chosenModel ?? null,
    text: null,
    tokens: 0,
    latencyMs: 0,
    costUsd: 0,
    cached: false,
  };
  if (signal?.aborted) return { ...base, success: false, error: toCallError(signal.reason, signal) };
  const started = now();
  try {
    const result = await withAbort(signal, () =>
      deps.gateway.generate({
        purpose: "generation.prompt",
        userId: options.userId ?? null,
        subjectId: options.subjectId ?? null,
        model: chosenModel,
        provider: chosenProvider,
        messages: [...(spec.system ? [{ role: "system" as const, content: spec.system }] : []), { role: "user", content: spec.prompt }],
        maxOutputTokens: spec.maxTokens ?? options.maxOutputTokens,
        ...(spec.temperature === null || spec.temperature === undefined ? {} : { temperature: spec.temperature }),
        signal,
      }),
    );
    return {
      ...base,
      provider: result.provider,
      model: result.model,
      success: true,
      text: result.text,
      error: null,
      tokens: result.cached ? 0 : result.usage.inputTokens + result.usage.outputTokens,
      latencyMs: roundMs(now() - started),
      costUsd: roundUsd(result.costUsd),
      cached: result.cached,
    };
  } catch (error) {
    if (!(error instanceof ProviderError) && !signal?.aborted) {
      deps.logger?.warn({ err: error, index }, "prompt generation failed unexpectedly");
    }
    return { ...base, success: false, error: toCallError(error, signal), latencyMs: roundMs(now() - started) };
  }
}
