import { QuotaExceededError, ServiceUnavailableError } from "../errors/domain-errors.ts";
import { z } from "zod";
import { notFound } from "../batches/batch-service.ts";
import type { PrismaClient } from "../db/prisma-client.ts";
import type { EventBus } from "../events/pubsub.ts";
import { embedOptionsShape } from "../generation/embed-batch-runner.ts";
import { GenerationInputError, parseOrThrow } from "../generation/generation-input-error.ts";
import type { Logger } from "../logging/logger.ts";
import type { ModelGateway } from "../providers/provider-types.ts";
import type { BackgroundJobRegistry } from "./background-job-registry.ts";
import { countEmbeddableLines, runEmbeddingJob, type EmbeddingJobRunDeps } from "./embedding-job-runner.ts";
import { EmbeddingJobStore, type EmbeddingJob } from "./embedding-job-store.ts";

export interface EmbeddingJobServiceDeps {
  prisma: PrismaClient;
  gateway: ModelGateway;
  events: EventBus;
  logger: Logger;
  /** Where running jobs are registered; the app stops it (aborting them) before the database. */
  registry: BackgroundJobRegistry;
  limits: { maxConcurrentJobsPerUser: number };
  /** This process's id among the heartbeating worker processes (WorkerReaper.id). */
  processId: string;
  /** Write thresholds of a run (see EmbeddingJobRunDeps). */
  run?: Pick<EmbeddingJobRunDeps, "flushRows" | "flushIntervalMs">;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const jobOptionsSchema = z.object({ batchSize: embedOptionsShape.batchSize });
/** Rows per query of the NDJSON download. */
const DOWNLOAD_PAGE_ROWS = 1000;

/**
 * Embedding jobs over uploaded files: one per embedFile, run in this process in the background
 * (the upload is request data, not a durable job), owned by the uploader. Another user's job
 * ids behave exactly like unknown ids.
 */
export class EmbeddingJobService {
  readonly #deps: EmbeddingJobServiceDeps;
  readonly #store: EmbeddingJobStore;

  constructor(deps: EmbeddingJobServiceDeps) {
    this.#deps = deps;
    this.#store = new EmbeddingJobStore(deps.prisma);
  }

  /**
   * Creates a job for `file` and starts embedding it line by line; returns the job at once.
   * Throws GenerationInputError (bad batchSize, empty file), QUOTA_EXCEEDED (too many jobs
   * of this user still running) or SERVICE_UNAVAILABLE (the server is stopping).
   */
  async startFileJob(userId: string, file: File, options: { batchSize?: number | null; keepUpload?: () => void } = {}): Promise<EmbeddingJob> {
    const { batchSize } = parseOrThrow(jobOptionsSchema, { batchSize: options.batchSize ?? undefined });
    if (file.size === 0) throw new GenerationInputError([{ path: ["file"], message: "The file is empty." }]);
    const { registry, limits } = this.#deps;
    if (!registry.accepting) throw unavailable();
    const filename = (file.name || "upload.txt").slice(0, 255);
    // One pass over the upload (already in memory) so progress has a denominator from the start.
    const total = await countEmbeddableLines(file);
    // Only now: a kept upload is discarded once read to the end, and counting reads it.
    options.keepUpload?.();
    const created = await this.#store.createWithinLimit(
      { userId, filename, batchSize, total, ownerProcessId: this.#deps.processId },
      limits.maxConcurrentJobsPerUser,
    );
    if (!created.job) {
      throw new QuotaExceededError(`You already have ${created.active} embedding jobs running; the limit is ${limits.maxConcurrentJobsPerUser}.`);
    }
    const job = created.job;
    const runDeps = { store: this.#store, ...this.#deps, ...this.#deps.run };
    try {
      registry.start(job.id, (signal) => runEmbeddingJob(runDeps, { id: job.id, userId, batchSize, total }, file, signal));
    } catch {
      // stop() began between the check above and now: the job never ran.
      await this.#store.finish(job.id, { status: "FAILED", total: null, errorCode: "ABORTED", error: "The server is stopping" });
      throw unavailable();
    }
    return job;
  }

  /** The user's jobs, newest first (first 1..100), optionally of one status. */
  async listJobs(userId: string, options: { status?: EmbeddingJob["status"] | null; first?: number | null; offset?: number | null }): Promise<EmbeddingJob[]> {
    const first = Math.min(Math.max(options.first ?? 20, 1), 100);
    return this.#store.list(userId, options.status ?? null, first, Math.max(options.offset ?? 0, 0));
  }

  /**
   * Cancels the user's job if it has not ended: it reads CANCELLED at once, the run stops at
   * its next write (here or in another process) and results stored so far stay downloadable.
   * NOT_FOUND for unknown ids and other users' jobs alike.
   */
  async cancelJob(userId: string, id: string): Promise<EmbeddingJob> {
    const job = await this.getJob(userId, id);
    if (await this.#store.cancel(job.id)) this.#deps.registry.abort(job.id, new Error("The job was cancelled"));
    return this.getJob(userId, id);
  }

  /**
   * Every `intervalMs`, fails the jobs whose process stopped heartbeating for `deadAfterMs`
   * (WORKER_LOST), so a kill -9 never leaves a job RUNNING. Returns the function that stops it.
   */
  startOrphanSweep(deadAfterMs: number, intervalMs: number): () => Promise<void> {
    let sweeping: Promise<void> | undefined;
    const timer = setInterval(() => {
      sweeping ??= this.#store
        .failOrphans(deadAfterMs)
        .then((ids) => {
          if (ids.length > 0) this.#deps.logger.warn({ jobIds: ids }, "failed embedding jobs of a stopped process (WORKER_LOST)");
          for (const id of ids) this.#deps.events.publish("embedding", id, { jobId: id, processed: 0, failed: 0, done: true, at: new Date().toISOString() });
        })
        .catch((error: unknown) => this.#deps.logger.warn({ err: error }, "embedding orphan sweep failed"))
        .finally(() => (sweeping = undefined));
    }, intervalMs);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await sweeping;
    };
  }

  /** The user's job, or null for unknown ids and other users' jobs alike. */
  async findJob(userId: string, id: string): Promise<EmbeddingJob | null> {
    return UUID.test(id) ? this.#store.find(userId, id) : null;
  }

  /** The user's job; NOT_FOUND for unknown ids and other users' jobs alike. */
  async getJob(userId: string, id: string): Promise<EmbeddingJob> {
    const job = await this.findJob(userId, id);
    if (!job) throw notFound("Embedding job");
    return job;
  }

  /**
   * The job's stored results as NDJSON text, one chunk per page of rows read from the
   * database (never the whole result set at once), in line order. Null when the user has no
   * such job.
   */
  async openResults(userId: string, id: string): Promise<{ job: EmbeddingJob; chunks: AsyncGenerator<string> } | null> {
    const job = await this.findJob(userId, id);
    if (!job) return null;
    const store = this.#store;
    async function* chunks(): AsyncGenerator<string> {
      let after = 0;
      for (;;) {
        const page = await store.resultPage(job!.id, after, DOWNLOAD_PAGE_ROWS);
        if (page.length === 0) return;
        yield page.map((row) => `${row.json}\n`).join("");
        if (page.length < DOWNLOAD_PAGE_ROWS) return;
        after = page.at(-1)!.line;
      }
    }
    return { job, chunks: chunks() };
  }
}

function unavailable(): ServiceUnavailableError {
  return new ServiceUnavailableError();
}
