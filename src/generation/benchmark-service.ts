import { z } from "zod";
import { ProviderError } from "../providers/provider-types.ts";
import type { ProviderName } from "../providers/provider-types.ts";
import { roundMs, roundUsd } from "./batch-summary.ts";
import { toCallError, withAbort } from "./call-errors.ts";
import type { FieldError } from "./form-field-types.ts";
import type { GenerationDeps } from "./generate-batch-service.ts";
import { parseOrThrow } from "./generation-input-error.ts";
import { mean, percentile } from "./percentiles.ts";

/** A model to benchmark: its name, or name and provider when it is not the default provider's. */
export type BenchmarkModelInput = string | { model: string; provider?: ProviderName };

/**
 * Figures for one model. Latencies are over successful runs only (a fast failure is not a fast
 * model) and null when no run succeeded; percentiles are nearest-rank (see percentile()).
 */
export interface ModelBenchmark {
  model: string;
  provider: ProviderName | null;
  runs: number;
  successes: number;
  errors: FieldError[];
  meanLatencyMs: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  /** Output tokens of successful runs divided by their total latency in seconds; 0 if none. */
  tokensPerSecond: number;
  totalCostUsd: number;
}

/** Per-request settings of benchmarkModels. */
export interface BenchmarkOptions {
  /** Runs per model, 1..maxRuns; default 3. */
  runs?: number;
  /** Default 10. */
  maxRuns?: number;
  /** Default 10. */
  maxModels?: number;
  maxOutputTokens?: number;
  userId?: string | null;
  subjectId?: string | null;
  /** Aborting records the remaining runs as ABORTED errors. */
  signal?: AbortSignal;
}

function benchmarkSchema(maxModels: number, maxRuns: number) {
  const modelSchema = z.union(
    [
      z.string().trim().min(1, "model must not be empty"),
      z.object({
        model: z.string().trim().min(1, "model must not be empty"),
        provider: z.enum(["openai", "anthropic", "local"]).optional(),
      }),
    ],
    "each model must be a name or { model, provider }",
  );
  return z.object({
    models: z
      .array(modelSchema, "models must be a list")
      .min(1, "models must contain at least one model")
      .max(maxModels, `models may contain at most ${maxModels} models`)
      .superRefine((models, ctx) => {
        const seen = new Set<string>();
        for (const [index, entry] of models.entries()) {
          const key = typeof entry === "string" ? `:${entry}` : `${entry.provider ?? ""}:${entry.model}`;
          if (seen.has(key)) ctx.addIssue({ code: "custom", path: [index], message: "model is listed twice" });
          seen.add(key);
        }
      }),
    prompt: z.string("prompt must be a string").refine((prompt) => prompt.trim() !== "", "prompt is empty"),
    runs: z
      .int("runs must be a whole number")
      .min(1, "runs must be at least 1")
      .max(maxRuns, `runs must be at most ${maxRuns}`)
      .default(3),
  });
}

/**
 * Sends the same prompt to each model `runs` times with the response cache bypassed. Models
 * run concurrently; a model's runs run one after another so that its latencies measure the
 * model, not queueing behind its own other runs. Latency is the gateway's `latencyMs` (the
 * provider call as the gateway timed it), falling back to our own timing if it reports none.
 * Results are in input order.
 */
export async function benchmarkModels(
  deps: GenerationDeps,
  models: BenchmarkModelInput[],
  prompt: string,
  options: BenchmarkOptions = {},
): Promise<ModelBenchmark[]> {
  const input = parseOrThrow(
    benchmarkSchema(options.maxModels ?? 10, options.maxRuns ?? 10),
    { models, prompt, runs: options.runs },
    (path) => (path[0] === "models" && typeof path[1] === "number" ? `models[${path[1]}]` : undefined),
  );
  const specs = input.models.map((entry) => (typeof entry === "string" ? { model: entry } : entry));
  return Promise.all(specs.map((spec) => benchmarkOne(deps, spec, input.prompt, input.runs, options)));
}

async function benchmarkOne(
  deps: GenerationDeps,
  spec: { model: string; provider?: ProviderName },
  prompt: string,
  runs: number,
  options: BenchmarkOptions,
): Promise<ModelBenchmark> {
  const now = deps.now ?? (() => performance.now());
  const { signal } = options;
  const latencies: number[] = [];
  const errors: FieldError[] = [];
  let outputTokens = 0;
  let costUsd = 0;
  for (let run = 0; run < runs; run++) {
    const started = now();
    try {
      const result = await withAbort(signal, () =>
        deps.gateway.generate({
          purpose: "generation.benchmark",
          userId: options.userId ?? null,
          subjectId: options.subjectId ?? null,
          model: spec.model,
          provider: spec.provider,
          messages: [{ role: "user", content: prompt }],
          maxOutputTokens: options.maxOutputTokens,
          cache: "bypass",
          // A benchmark measures the model it names, never a substitute.
          fallbacks: false,
          signal,
        }),
      );
      const measured = now() - started;
      latencies.push(result.latencyMs > 0 ? result.latencyMs : measured);
      outputTokens += result.usage.outputTokens;
      costUsd += result.costUsd;
    } catch (error) {
      if (!(error instanceof ProviderError) && !signal?.aborted) {
        deps.logger?.warn({ err: error, model: spec.model }, "benchmark run failed unexpectedly");
      }
      errors.push(toCallError(error, signal));
    }
  }
  const generationSeconds = latencies.reduce((sum, latency) => sum + latency, 0) / 1000;
  const round = (value: number | null) => (value === null ? null : roundMs(value));
  return {
    model: spec.model,
    provider: spec.provider ?? null,
    runs,
    successes: latencies.length,
    errors,
    meanLatencyMs: round(mean(latencies)),
    p50LatencyMs: round(percentile(latencies, 50)),
    p95LatencyMs: round(percentile(latencies, 95)),
    tokensPerSecond: generationSeconds > 0 ? Math.round((outputTokens / generationSeconds) * 100) / 100 : 0,
    totalCostUsd: roundUsd(costUsd),
  };
}
