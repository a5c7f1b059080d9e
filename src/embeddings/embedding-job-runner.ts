import type { EventBus } from "../events/pubsub.ts";
import { embedLines, LineTooLongError, linesFromStream } from "../generation/index.ts";
import type { EmbeddedLine, FieldError } from "../generation/index.ts";
import type { Logger } from "../logging/logger.ts";
import type { ModelGateway } from "../providers/provider-types.ts";
import { EmbeddingJobEndedError } from "./embedding-job-store.ts";
import type { EmbeddingJobOutcome, EmbeddingJobStore } from "./embedding-job-store.ts";

/** What a job run needs; the flush thresholds are options so tests can make them tiny. */
export interface EmbeddingJobRunDeps {
  store: EmbeddingJobStore;
  events: EventBus;
  gateway: ModelGateway;
  logger: Pick<Logger, "warn" | "error">;
  /** Results buffered before they are written (one INSERT). Default 512. */
  flushRows?: number;
  /** Longest time results wait before they are written, so progress keeps moving. Default 250 ms. */
  flushIntervalMs?: number;
}

/** The job as the run needs it. */
export interface EmbeddingJobSpec {
  id: string;
  userId: string;
  batchSize: number;
  /** Non-empty lines counted when the upload was received (null when a line is too long). */
  total: number | null;
}

// Slices of the upload handed to the line splitter: an in-memory upload is one big buffer,
// and decoding it whole would hold the file twice (bytes and string).
const READ_CHUNK_BYTES = 64 * 1024;

async function* uploadChunks(file: Blob): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const chunk of file.stream() as unknown as AsyncIterable<Uint8Array>) {
    for (let offset = 0; offset < chunk.byteLength; offset += READ_CHUNK_BYTES) {
      yield chunk.subarray(offset, offset + READ_CHUNK_BYTES);
    }
  }
}

/**
 * Non-empty lines of the upload (what the job will embed), so `total` is known from the start;
 * null when a line is too long (the run then fails the job with LINE_TOO_LONG).
 */
export async function countEmbeddableLines(file: Blob): Promise<number | null> {
  let count = 0;
  try {
    for await (const line of linesFromStream(uploadStream(file))) if (line.trim() !== "") count += 1;
  } catch (error) {
    if (error instanceof LineTooLongError) return null;
    throw error;
  }
  return count;
}

/** The upload as a byte stream read on demand (one slice per pull). */
function uploadStream(file: Blob): ReadableStream<Uint8Array> {
  const chunks = uploadChunks(file);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

/**
 * Embeds an uploaded file line by line and records everything on the job: results in bulk,
 * counters with them, progress on `embedding:<jobId>`, and a final status. Never throws: a
 * failure (an over-long line, a database error, the server stopping) ends the job FAILED with
 * a code. When every line failed the job is FAILED with the first line's error.
 */
export async function runEmbeddingJob(deps: EmbeddingJobRunDeps, job: EmbeddingJobSpec, file: Blob, signal: AbortSignal): Promise<void> {
  const flushRows = deps.flushRows ?? 512;
  const flushIntervalMs = deps.flushIntervalMs ?? 250;
  const counts = { processed: 0, failed: 0 };
  const failures: { first: FieldError | null } = { first: null };
  let buffer: EmbeddedLine[] = [];
  let lastFlush = performance.now();

  const publish = (done: boolean, finalTotal?: number) => {
    const total = finalTotal ?? job.total;
    return deps.events.publish("embedding", job.id, {
      jobId: job.id,
      processed: counts.processed,
      failed: counts.failed,
      done,
      at: new Date().toISOString(),
      ...(total === null ? {} : { total }),
    });
  };
  // Called from the sink or onProgress, which embedLines runs one at a time: nothing is
  // added to the buffer while it is written. On failure the rows stay for the final attempt.
  const flush = async () => {
    await deps.store.saveResults(job.id, buffer, counts);
    buffer = [];
    lastFlush = performance.now();
    publish(false);
  };

  let outcome: EmbeddingJobOutcome;
  try {
    await deps.store.markRunning(job.id);
    publish(false);
    await embedLines({ gateway: deps.gateway, logger: deps.logger }, linesFromStream(uploadStream(file)), {
      batchSize: job.batchSize,
      userId: job.userId,
      subjectId: job.id,
      signal,
      sink: async (line) => {
        buffer.push(line);
        counts.processed += 1;
        if (line.error) {
          counts.failed += 1;
          failures.first ??= line.error;
        }
        if (buffer.length >= flushRows) await flush();
      },
      onProgress: async () => {
        if (buffer.length > 0 && performance.now() - lastFlush >= flushIntervalMs) await flush();
      },
    });
    await flush();
    const allFailed = failures.first && counts.failed === counts.processed;
    outcome = allFailed
      ? { status: "FAILED", total: counts.processed, errorCode: failures.first!.code, error: `Every line failed: ${failures.first!.message}` }
      : { status: "COMPLETED", total: counts.processed, errorCode: null, error: null };
  } catch (error) {
    if (error instanceof EmbeddingJobEndedError) {
      // Cancelled (or failed by the orphan sweep) while running: the row already says how it ended.
      publish(true);
      return;
    }
    outcome = { status: "FAILED", total: null, ...failureOf(error, signal) };
    if (outcome.errorCode === "EMBEDDING_FAILED") deps.logger.error({ err: error, jobId: job.id }, "embedding job failed unexpectedly");
    // Lines already embedded (and those cut short, as ABORTED) are kept for the download.
    await flush().catch((flushError: unknown) => deps.logger.warn({ err: flushError, jobId: job.id }, "could not store the last results"));
  }
  try {
    await deps.store.finish(job.id, outcome);
  } catch (error) {
    deps.logger.error({ err: error, jobId: job.id }, "could not record the end of an embedding job");
  }
  publish(true, outcome.total ?? undefined);
}

function failureOf(error: unknown, signal: AbortSignal): { errorCode: string; error: string } {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    return { errorCode: "ABORTED", error: reason instanceof Error ? reason.message : "The job was cancelled" };
  }
  if (error instanceof LineTooLongError) return { errorCode: error.code, error: error.message };
  return { errorCode: "EMBEDDING_FAILED", error: "The embedding job failed unexpectedly" };
}
