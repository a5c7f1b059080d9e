import { z } from "zod";
import { ProviderError } from "../providers/provider-types.ts";
import { countTokens } from "../text/token-count.ts";
import type { ProviderName } from "../providers/provider-types.ts";
import { roundMs, roundUsd } from "./batch-summary.ts";
import { toCallError, withAbort } from "./call-errors.ts";
import type { EmbedBatch, EmbedItem, EmbedLimits } from "./embed-batch-planner.ts";
import type { FieldError } from "./form-field-types.ts";
import type { GenerationDeps } from "./generate-batch-service.ts";

/** Settings shared by embedTexts and embedLines. */
export interface EmbedOptions {
  /** Inputs per provider request, 1..2048; default 32. */
  batchSize?: number;
  /**
   * Tokens summed over one request; default 250,000, under OpenAI's 300,000 with room for our
   * o200k_base counts differing from the embedding model's own tokenizer.
   */
  maxTokensPerRequest?: number;
  /** Tokens per input; default 8191 (text-embedding-3). Longer texts fail individually. */
  maxTokensPerInput?: number;
  /** Requests in flight at once for this job, 1..16; default 4. */
  maxConcurrent?: number;
  model?: string;
  provider?: ProviderName;
  userId?: string | null;
  subjectId?: string | null;
  signal?: AbortSignal;
}

/** Throughput and spend of an embedding job. */
export interface EmbedStats {
  /** Provider requests made (batches with at least one sendable text). */
  batches: number;
  /** Texts handled, embedded or failed. */
  texts: number;
  failures: number;
  /** Embedded texts per second of wall time. */
  textsPerSecond: number;
  /** Tokens (as the gateway reported them) per second of wall time. */
  tokensPerSecond: number;
  totalTokens: number;
  costUsd: number;
  durationMs: number;
}

/** The outcome for one text of a batch. */
export interface EmbedOutcome {
  item: EmbedItem;
  vector: number[] | null;
  error: FieldError | null;
}

/**
 * Tokens to plan `text` with. Every BPE token covers at least one byte, so the UTF-8 length is
 * an upper bound on any tokenizer's count: when that bound already fits the per-input cap it
 * is used as is (planning then errs on the safe side), and the tokenizer, at ~0.2 ms per short
 * line, only runs for texts that might be too long.
 */
export function plannedTokens(text: string, maxTokensPerInput: number): number {
  const bytes = Buffer.byteLength(text, "utf8");
  return bytes <= maxTokensPerInput ? bytes : countTokens(text);
}

/** Validated limits and concurrency. */
export type ParsedEmbedOptions = EmbedLimits & { maxConcurrent: number };

/** Zod shape of the numeric embedding options, shared by both services' schemas. */
export const embedOptionsShape = {
  batchSize: z.int("batchSize must be a whole number").min(1, "batchSize must be at least 1").max(2048, "batchSize must be at most 2048").default(32),
  maxTokensPerRequest: z.int("maxTokensPerRequest must be a whole number").min(1, "maxTokensPerRequest must be at least 1").default(250_000),
  maxTokensPerInput: z.int("maxTokensPerInput must be a whole number").min(1, "maxTokensPerInput must be at least 1").default(8191),
  maxConcurrent: z.int("maxConcurrent must be a whole number").min(1, "maxConcurrent must be at least 1").max(16, "maxConcurrent must be at most 16").default(4),
};

/** Rejects limits under which some valid input could never be sent. */
export function checkTokenLimits(options: { maxTokensPerRequest: number; maxTokensPerInput: number }, ctx: z.RefinementCtx): void {
  if (options.maxTokensPerRequest < options.maxTokensPerInput) {
    ctx.addIssue({ code: "custom", path: ["maxTokensPerRequest"], message: "maxTokensPerRequest must be at least maxTokensPerInput" });
  }
}

/** What one batch produced; `called` is false when nothing in it could be sent. */
export interface EmbedBatchRun {
  outcomes: EmbedOutcome[];
  called: boolean;
  tokens: number;
  costUsd: number;
}

/** Sends one batch's sendable texts in one gateway call; never throws. */
export async function runEmbedBatch(deps: GenerationDeps, batch: EmbedBatch, options: EmbedOptions): Promise<EmbedBatchRun> {
  const sendable = batch.entries.filter((entry) => entry.rejected === null).map((entry) => entry.item);
  const rejectedOutcome = (entry: EmbedBatch["entries"][number]): EmbedOutcome => ({ item: entry.item, vector: null, error: entry.rejected });
  if (sendable.length === 0) return { outcomes: batch.entries.map(rejectedOutcome), called: false, tokens: 0, costUsd: 0 };
  const { signal } = options;
  let vectors: number[][];
  let tokens: number;
  let costUsd: number;
  try {
    const result = await withAbort(signal, () =>
      deps.gateway.embed({
        purpose: "generation.embed",
        userId: options.userId ?? null,
        subjectId: options.subjectId ?? null,
        model: options.model,
        provider: options.provider,
        inputs: sendable.map((item) => item.text),
        signal,
      }),
    );
    if (result.vectors.length !== sendable.length) {
      throw new ProviderError("PROVIDER_INVALID_OUTPUT", `The provider returned ${result.vectors.length} vectors for ${sendable.length} inputs`);
    }
    vectors = result.vectors;
    // A cache hit consumed nothing from the provider (the ledger records 0); its stored usage is the original call's.
    tokens = result.cached ? 0 : result.usage.inputTokens > 0 ? result.usage.inputTokens : batch.tokens;
    costUsd = result.costUsd;
  } catch (error) {
    if (!(error instanceof ProviderError) && !signal?.aborted) deps.logger?.warn({ err: error }, "embedding batch failed unexpectedly");
    const failure = toCallError(error, signal);
    const outcomes = batch.entries.map((entry) => (entry.rejected ? rejectedOutcome(entry) : { item: entry.item, vector: null, error: failure }));
    return { outcomes, called: !signal?.aborted, tokens: 0, costUsd: 0 };
  }
  let next = 0;
  const outcomes = batch.entries.map((entry) => (entry.rejected ? rejectedOutcome(entry) : { item: entry.item, vector: vectors[next++]!, error: null }));
  return { outcomes, called: true, tokens, costUsd };
}

/** Accumulates EmbedStats over batches. */
export function embedStatsCollector(now: () => number): { add(run: EmbedBatchRun): void; snapshot(): EmbedStats } {
  const started = now();
  const totals = { batches: 0, texts: 0, failures: 0, tokens: 0, costUsd: 0 };
  return {
    add(run) {
      if (run.called) totals.batches += 1;
      totals.texts += run.outcomes.length;
      totals.failures += run.outcomes.filter((outcome) => outcome.error !== null).length;
      totals.tokens += run.tokens;
      totals.costUsd += run.costUsd;
    },
    snapshot() {
      const durationMs = now() - started;
      const seconds = durationMs / 1000;
      const perSecond = (count: number) => (seconds > 0 ? Math.round((count / seconds) * 100) / 100 : 0);
      return {
        batches: totals.batches,
        texts: totals.texts,
        failures: totals.failures,
        textsPerSecond: perSecond(totals.texts - totals.failures),
        tokensPerSecond: perSecond(totals.tokens),
        totalTokens: totals.tokens,
        costUsd: roundUsd(totals.costUsd),
        durationMs: roundMs(durationMs),
      };
    },
  };
}
