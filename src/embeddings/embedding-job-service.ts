import { z } from "zod";
import { notFound } from "../batches/batch-service.ts";
import type { PrismaClient } from "../db/prisma-client.ts";
import { QuotaExceededError } from "../errors/domain-errors.ts";
import type { EventBus } from "../events/pubsub.ts";
import { embedOptionsShape } from "../generation/embed-batch-runner.ts";
import { GenerationInputError, parseOrThrow } from "../generation/generation-input-error.ts";
import type { Logger } from "../logging/logger.ts";
import type { StagedUpload } from "../uploads/staged-upload.ts";
import { embeddingFileJobKey, embeddingFilePayload } from "./embedding-file-job.ts";
import { countEmbeddableLines } from "./embedding-job-runner.ts";
import { EMBEDDING_FILE_TASK, EmbeddingJobStore, type EmbeddingJob } from "./embedding-job-store.ts";

export interface EmbeddingJobServiceDeps {
  prisma: PrismaClient;
  events: EventBus;
  logger: Logger;
  limits: { maxConcurrentJobsPerUser: number };
  /** This process's id among the heartbeating worker processes (WorkerReaper.id). */
  processId: string;
}

/** What embedFile needs of an upload: it is already stored, as a staged large object. */
export type StoredUpload = Pick<StagedUpload, "name" | "size" | "oid" | "embeddableLines" | "stream" | "markAdopted">;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const jobOptionsSchema = z.object({ batchSize: embedOptionsShape.batchSize });
/** Rows per query of the NDJSON download. */
const DOWNLOAD_PAGE_ROWS = 1000;

/**
 * Embedding jobs over uploaded files, owned by the uploader: another user's job ids behave
 * exactly like unknown ids. A job is durable: it owns its stored upload, runs as a
 * graphile-worker job on any worker process (embedding-file-job.ts) and resumes from its
 * checkpoint after a restart or a crash.
 */
export class EmbeddingJobService {
  readonly #deps: EmbeddingJobServiceDeps;
  readonly #store: EmbeddingJobStore;

  constructor(deps: EmbeddingJobServiceDeps) {
    this.#deps = deps;
    this.#store = new EmbeddingJobStore(deps.prisma);
  }

  /** The store the embedding job runs against (the job is built beside the service). */
  get store(): EmbeddingJobStore {
    return this.#store;
  }

  /**
   * Creates a job for the stored `upload`, which it adopts, and enqueues its run in the same
   * transaction; returns the job at once. Throws GenerationInputError (bad batchSize, empty
   * file) or QuotaExceededError (too many jobs of this user queued or running).
   */
  async startFileJob(userId: string, upload: StoredUpload, options: { batchSize?: number | null } = {}): Promise<EmbeddingJob> {
    const { batchSize } = parseOrThrow(jobOptionsSchema, { batchSize: options.batchSize ?? undefined });
    if (upload.size === 0) throw new GenerationInputError([{ path: ["file"], message: "The file is empty." }]);
    const { limits } = this.#deps;
    const filename = (upload.name || "upload.txt").slice(0, 255);
    // Counted as the upload was stored; an upload stored without counting (declared a PDF) is read back once.
    const total = upload.embeddableLines !== undefined ? upload.embeddableLines : await countEmbeddableLines(upload);
    const created = await this.#store.createWithinLimit(
      { userId, filename, batchSize, total, ownerProcessId: this.#deps.processId, uploadOid: upload.oid },
      limits.maxConcurrentJobsPerUser,
      (jobId) => ({ task: EMBEDDING_FILE_TASK, payload: embeddingFilePayload.parse({ jobId }), jobKey: embeddingFileJobKey(jobId) }),
    );
    if (!created.job) {
      throw new QuotaExceededError(`You already have ${created.active} embedding jobs running; the limit is ${limits.maxConcurrentJobsPerUser}.`);
    }
    upload.markAdopted();
    return created.job;
  }

  /** The user's jobs, newest first (first 1..100), optionally of one status. */
  async listJobs(userId: string, options: { status?: EmbeddingJob["status"] | null; first?: number | null; offset?: number | null }): Promise<EmbeddingJob[]> {
    const first = Math.min(Math.max(options.first ?? 20, 1), 100);
    return this.#store.list(userId, options.status ?? null, first, Math.max(options.offset ?? 0, 0));
  }

  /**
   * Cancels the user's job if it has not ended: it reads CANCELLED at once, its run stops at
   * its next write (in whichever process runs it), results stored so far stay downloadable and
   * the stored upload is unlinked. NOT_FOUND for unknown ids and other users' jobs alike.
   */
  async cancelJob(userId: string, id: string): Promise<EmbeddingJob> {
    const job = await this.getJob(userId, id);
    if (!(await this.#store.cancel(job.id))) return job;
    const cancelled = await this.getJob(userId, id);
    const { processed, failed, total } = cancelled;
    this.#deps.events.publish("embedding", id, { jobId: id, processed, failed, done: true, at: new Date().toISOString(), ...(total === null ? {} : { total }) });
    return cancelled;
  }

  /**
   * Every `intervalMs`, fails the jobs that nothing can resume any more (WORKER_LOST: their
   * process died and no queued work is left for them), so none stays RUNNING forever. Returns
   * the function that stops it.
   */
  startOrphanSweep(deadAfterMs: number, intervalMs: number): () => Promise<void> {
    let sweeping: Promise<void> | undefined;
    const timer = setInterval(() => {
      sweeping ??= this.#store
        .failOrphans(deadAfterMs)
        .then(async (ids) => {
          if (ids.length > 0) this.#deps.logger.warn({ jobIds: ids }, "failed embedding jobs that cannot be resumed (WORKER_LOST)");
          for (const id of ids) {
            await this.#store.releaseUpload(id);
            this.#deps.events.publish("embedding", id, { jobId: id, processed: 0, failed: 0, done: true, at: new Date().toISOString() });
          }
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
