import Bottleneck from "bottleneck";
import type { Logger } from "pino";
import { ProviderError } from "../providers/provider-types.ts";
import type { ModelGateway, ProviderName } from "../providers/provider-types.ts";
import { roundMs, roundUsd, summariseBatch } from "./batch-summary.ts";
import { toCallError, withAbort } from "./call-errors.ts";
import { classifyField } from "./field-classifier.ts";
import { cleanAnswer, finaliseValue } from "./field-postprocess.ts";
import { buildFieldPrompt } from "./field-prompt.ts";
import { parseGenerateBatchInput } from "./form-batch-input.ts";
import type { BatchInputLimits, GenerateBatchInput, ParsedBatchInput } from "./form-batch-input.ts";
import type { FieldError, FieldResponse, FormFieldInput, GenerateBatchResult } from "./form-field-types.ts";
import { extractProfileFacts } from "./profile-extractor.ts";
import { serialCallback } from "./serial-callback.ts";

/** What the generation services need from the outside world. */
export interface GenerationDeps {
  gateway: ModelGateway;
  /** Monotonic clock in ms; performance.now by default, replaceable in tests. */
  now?: () => number;
  /** Told about unexpected (non-provider) failures, which users only see as GENERATION_FAILED. */
  logger?: Pick<Logger, "warn">;
}

/** Per-request settings of generateBatch that are not part of the client's input. */
export interface GenerateBatchOptions extends BatchInputLimits {
  model?: string;
  provider?: ProviderName;
  userId?: string | null;
  /** The generation run, for the gateway's ledger. */
  subjectId?: string | null;
  /** Aborting stops outstanding work: queued and in-flight fields finish as FAILED/ABORTED. */
  signal?: AbortSignal;
  /**
   * Called once per field as it finishes (EXTRACTED fields first, then in completion order),
   * one call at a time; for streaming to a subscription. generateBatch resolves after the last
   * call has settled and rethrows the first error the callback threw.
   */
  onFieldDone?: (index: number, response: FieldResponse) => void | Promise<void>;
}

interface FieldRun {
  response: FieldResponse;
  /** Time the field held a slot, when it reached the gateway; see parallelEfficiency. */
  callDurationMs: number | null;
}

/**
 * Fills a form: each field is EXTRACTED from the profile when it can be, otherwise generated
 * by one gateway call (CACHED when the gateway's cache answered). At most `maxParallel` calls
 * run at once for this request; the gateway applies provider-wide limits behind that.
 * A failing field is FAILED with its error and the others continue. Responses are in input
 * order. Throws GenerationInputError for invalid input, before any model call.
 */
export async function generateBatch(
  deps: GenerationDeps,
  input: GenerateBatchInput,
  options: GenerateBatchOptions = {},
): Promise<GenerateBatchResult> {
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const parsed = parseGenerateBatchInput(input, options);
  const facts = extractProfileFacts(parsed.profile);
  const responses: FieldResponse[] = new Array<FieldResponse>(parsed.fields.length);
  const callDurations: number[] = [];
  const notify = serialCallback(options.onFieldDone);
  const finish = (index: number, run: FieldRun) => {
    responses[index] = run.response;
    if (run.callDurationMs !== null) callDurations.push(run.callDurationMs);
    notify.call(index, run.response);
  };

  // Per request, so one client's batch cannot take another's slots; provider limits live in the gateway.
  const limiter = new Bottleneck({ maxConcurrent: parsed.maxParallel });
  const pending: Promise<void>[] = [];
  for (const [index, field] of parsed.fields.entries()) {
    const fieldStarted = now();
    const plan = classifyField(field, facts);
    if (plan.path === "EXTRACTED") {
      const response = { ...blank(field), value: plan.value, source: "EXTRACTED" as const, notes: plan.notes };
      finish(index, { response: { ...response, latencyMs: roundMs(now() - fieldStarted) }, callDurationMs: null });
    } else {
      const job = limiter.schedule(() => generateField(deps, now, parsed, field, options));
      pending.push(job.then((run) => finish(index, run)));
    }
  }
  await Promise.all(pending);
  await notify.drain();
  return { responses, summary: summariseBatch(responses, callDurations, now() - started, parsed.maxParallel) };
}

function blank(field: FormFieldInput): FieldResponse {
  return { fieldId: field.id, value: "", source: "FAILED", cached: false, tokens: 0, costUsd: 0, latencyMs: 0, error: null, notes: [] };
}

function failed(field: FormFieldInput, error: FieldError, latencyMs: number): FieldResponse {
  return { ...blank(field), latencyMs: roundMs(latencyMs), error };
}

async function generateField(
  deps: GenerationDeps,
  now: () => number,
  input: ParsedBatchInput,
  field: FormFieldInput,
  options: GenerateBatchOptions,
): Promise<FieldRun> {
  const { signal } = options;
  if (signal?.aborted) return { response: failed(field, toCallError(signal.reason, signal), 0), callDurationMs: null };
  const started = now();
  const prompt = buildFieldPrompt(field, input.profile, input.context);
  try {
    const result = await withAbort(signal, () =>
      deps.gateway.generate({
        purpose: "generation.field",
        userId: options.userId ?? null,
        subjectId: options.subjectId ?? null,
        model: options.model,
        provider: options.provider,
        ...prompt,
        signal,
      }),
    );
    const finalised = finaliseValue(field, cleanAnswer(result.text, field.label));
    const latencyMs = now() - started;
    const spent = {
      cached: result.cached,
      // The gateway hands back the original call's usage on a cache hit; this one consumed none.
      tokens: result.cached ? 0 : result.usage.inputTokens + result.usage.outputTokens,
      costUsd: roundUsd(result.costUsd),
      latencyMs: roundMs(latencyMs),
    };
    const response: FieldResponse = finalised.ok
      ? { ...blank(field), ...spent, value: finalised.value, source: result.cached ? "CACHED" : "GENERATED", notes: finalised.notes }
      : { ...blank(field), ...spent, error: { code: finalised.code, message: finalised.message } };
    return { response, callDurationMs: latencyMs };
  } catch (error) {
    const latencyMs = now() - started;
    if (!(error instanceof ProviderError) && !signal?.aborted) {
      deps.logger?.warn({ err: error, fieldId: field.id }, "form field generation failed unexpectedly");
    }
    return { response: failed(field, toCallError(error, signal), latencyMs), callDurationMs: latencyMs };
  }
}
