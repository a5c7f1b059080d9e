import Bottleneck from "bottleneck";
import { z } from "zod";
import { EmbedBatcher } from "./embed-batch-planner.ts";
import type { EmbedBatch } from "./embed-batch-planner.ts";
import { checkTokenLimits, embedOptionsShape, embedStatsCollector, plannedTokens, runEmbedBatch } from "./embed-batch-runner.ts";
import type { EmbedOptions, EmbedStats } from "./embed-batch-runner.ts";
import type { FieldError } from "./form-field-types.ts";
import type { GenerationDeps } from "./generate-batch-service.ts";
import { parseOrThrow } from "./generation-input-error.ts";

/** One embedded (or failed) line, as handed to the sink. */
export interface EmbeddedLine {
  /** 1-based line number in the file, counting empty lines. */
  lineNumber: number;
  text: string;
  vector: number[] | null;
  error: FieldError | null;
}

/** Progress after each batch reached the sink. */
export interface EmbedProgress {
  linesRead: number;
  embedded: number;
  failed: number;
  batches: number;
  totalTokens: number;
  elapsedMs: number;
}

/** Settings of embedLines. */
export interface EmbedLinesOptions extends EmbedOptions {
  /** Receives every non-empty line's result in file order, one call at a time. */
  sink: (line: EmbeddedLine) => void | Promise<void>;
  onProgress?: (progress: EmbedProgress) => void | Promise<void>;
  /** Lines up to this 1-based number are read (numbering stays the file's) but not embedded: a resumed job's checkpoint. */
  startAfterLine?: number;
}

const embedLinesSchema = z.object(embedOptionsShape).superRefine(checkTokenLimits);

/**
 * Embeds a file line by line (e.g. linesFromStream of an upload), skipping empty lines, and
 * writes each result to `sink` in file order. Memory stays flat: at most maxConcurrent + 1
 * batches are read ahead of the sink, however long the file. An over-long line fails alone; a
 * failed request fails only its lines. If `signal` aborts, reading stops, batches in flight
 * settle (as ABORTED) into the sink, and the abort reason is thrown. An error thrown by the
 * sink stops the job and is rethrown.
 */
export async function embedLines(deps: GenerationDeps, lines: AsyncIterable<string>, options: EmbedLinesOptions): Promise<EmbedStats> {
  const now = deps.now ?? (() => performance.now());
  const limits = parseOrThrow(embedLinesSchema, {
    batchSize: options.batchSize,
    maxTokensPerRequest: options.maxTokensPerRequest,
    maxTokensPerInput: options.maxTokensPerInput,
    maxConcurrent: options.maxConcurrent,
  });
  // Our own controller too, so a failing sink can stop the requests still in flight.
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  const callOptions = { ...options, signal };
  const stats = embedStatsCollector(now);
  const limiter = new Bottleneck({ maxConcurrent: limits.maxConcurrent });
  const batcher = new EmbedBatcher(limits);
  const window: Array<ReturnType<typeof runEmbedBatch>> = [];
  let linesRead = 0;
  const startAfterLine = options.startAfterLine ?? 0;

  const drainOne = async () => {
    const run = await window.shift()!;
    stats.add(run);
    for (const { item, vector, error } of run.outcomes) await options.sink({ lineNumber: item.position, text: item.text, vector, error });
    if (options.onProgress) {
      const snapshot = stats.snapshot();
      await options.onProgress({
        linesRead,
        embedded: snapshot.texts - snapshot.failures,
        failed: snapshot.failures,
        batches: snapshot.batches,
        totalTokens: snapshot.totalTokens,
        elapsedMs: snapshot.durationMs,
      });
    }
  };
  const dispatch = async (batch: EmbedBatch) => {
    window.push(limiter.schedule(() => runEmbedBatch(deps, batch, callOptions)));
    while (window.length > limits.maxConcurrent) await drainOne();
  };

  try {
    for await (const line of lines) {
      if (signal.aborted) break;
      linesRead += 1;
      if (linesRead <= startAfterLine || line.trim() === "") continue;
      const tokens = plannedTokens(line, limits.maxTokensPerInput);
      for (const batch of batcher.add({ position: linesRead, text: line, tokens })) await dispatch(batch);
    }
    const last = batcher.flush();
    if (last && !signal.aborted) await dispatch(last);
    while (window.length > 0) await drainOne();
  } catch (error) {
    controller.abort(error);
    await Promise.all(window);
    throw error;
  }
  options.signal?.throwIfAborted();
  return stats.snapshot();
}
