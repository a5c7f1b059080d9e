import type { EventBus } from "../events/pubsub.ts";
import { embedLines, LineTooLongError, linesFromStream } from "../generation/index.ts";
import type { EmbeddedLine } from "../generation/index.ts";
import type { Logger } from "../logging/logger.ts";
import type { ModelGateway } from "../providers/provider-types.ts";
import { EmbeddingJobLostError } from "./embedding-job-store.ts";
import type { EmbeddingJobClaim, EmbeddingJobOutcome, EmbeddingJobStore } from "./embedding-job-store.ts";

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

// Slices of the upload handed to the line splitter: an in-memory upload is one big buffer,
// and decoding it whole would hold the file twice (bytes and string).
const READ_CHUNK_BYTES = 64 * 1024;

async function* uploadChunks(file: Pick<Blob, "stream">): AsyncGenerator<Uint8Array, void, undefined> {
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
export async function countEmbeddableLines(file: Pick<Blob, "stream">): Promise<number | null> {
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
function uploadStream(file: Pick<Blob, "stream">): ReadableStream<Uint8Array> {
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


/** How a run ended: the job finished (or failed), was handed back for a later run, or is no longer this run's. */
export type EmbeddingRunEnd = "finished" | "interrupted" | "lost";

/**
 * Embeds the job's lines after its checkpoint and records everything on the job under the
 * run's claim: results in bulk with the counters and the new checkpoint, progress on
 * `embedding:<jobId>`, and a final status. When `signal` aborts (this process is stopping),
 * the lines answered before the abort are stored, the job goes back to QUEUED and the run
 * answers "interrupted": the next run resumes after the last stored line, with no line twice.
 * A failure (an over-long line, an unexpected error) ends the job FAILED with a code; when
 * every line failed the job is FAILED with the first line's error. Only an error writing the
 * outcome is thrown (the queue then retries the run, which resumes).
 */
export async function runEmbeddingJob(deps: EmbeddingJobRunDeps, job: EmbeddingJobClaim, lines: AsyncIterable<string>, signal: AbortSignal): Promise<EmbeddingRunEnd> {
  const flushRows = deps.flushRows ?? 512;
  const flushIntervalMs = deps.flushIntervalMs ?? 250;
  const counts = { processed: job.processed, failed: job.failed };
  let linesDone = job.linesDone;
  let buffer: EmbeddedLine[] = [];
  let lastFlush = performance.now();
  // Set at the first line cut short by a stop: it and everything after it are left for the next run.
  let cutShort = false;

  const publish = (done: boolean, finalTotal?: number) => {
    const total = finalTotal ?? job.total;
    deps.events.publish("embedding", job.id, {
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
    await deps.store.saveResults(job.id, job.claim, buffer, counts, linesDone);
    buffer = [];
    lastFlush = performance.now();
    publish(false);
  };

  let outcome: EmbeddingJobOutcome;
  try {
    publish(false);
    await embedLines({ gateway: deps.gateway, logger: deps.logger }, lines, {
      batchSize: job.batchSize,
      userId: job.userId,
      subjectId: job.id,
      signal,
      startAfterLine: job.linesDone,
      sink: async (line) => {
        if (cutShort || (signal.aborted && line.error?.code === "ABORTED")) {
          cutShort = true;
          return;
        }
        buffer.push(line);
        linesDone = line.lineNumber;
        counts.processed += 1;
        if (line.error) counts.failed += 1;
        if (buffer.length >= flushRows) await flush();
      },
      onProgress: async () => {
        if (buffer.length > 0 && performance.now() - lastFlush >= flushIntervalMs) await flush();
      },
    });
    await flush();
    const allFailed = counts.processed > 0 && counts.failed === counts.processed;
    const first = allFailed ? await deps.store.firstFailure(job.id) : null;
    outcome = first
      ? { status: "FAILED", total: counts.processed, errorCode: first.code, error: `Every line failed: ${first.message}` }
      : { status: "COMPLETED", total: counts.processed, errorCode: null, error: null };
  } catch (error) {
    if (error instanceof EmbeddingJobLostError) return lost(error);
    try {
      // Lines answered before the failure (or the stop) are kept: the download, or the next run, starts after them.
      await flush();
    } catch (flushError) {
      if (flushError instanceof EmbeddingJobLostError) return lost(flushError);
      throw flushError;
    }
    if (signal.aborted) {
      await deps.store.handBack(job.id, job.claim);
      return "interrupted";
    }
    outcome = { status: "FAILED", total: null, ...failureOf(error) };
    if (outcome.errorCode === "EMBEDDING_FAILED") deps.logger.error({ err: error, jobId: job.id }, "embedding job failed unexpectedly");
  }
  if (!(await deps.store.finish(job.id, job.claim, outcome))) return "lost";
  publish(true, outcome.total ?? undefined);
  return "finished";

  function lost(error: EmbeddingJobLostError): EmbeddingRunEnd {
    // Ended elsewhere (cancelled): subscribers learn it here. Taken over: the new run reports.
    if (error.reason === "ended") publish(true);
    return "lost";
  }
}

function failureOf(error: unknown): { errorCode: string; error: string } {
  if (error instanceof LineTooLongError) return { errorCode: error.code, error: error.message };
  return { errorCode: "EMBEDDING_FAILED", error: "The embedding job failed unexpectedly" };
}
