import {
  Logger as GraphileLogger,
  makeWorkerUtils,
  run,
  runMigrations,
  type Runner,
  type TaskList,
  type WorkerEvents,
  type WorkerUtils,
} from "graphile-worker";
import { EventEmitter } from "node:events";
import type { Logger } from "../logging/logger.ts";
import type { JobDefinition } from "./job-definition.ts";

export interface EnqueueOptions {
  /** Lower runs first. */
  priority?: number;
  runAt?: Date;
  /** At most one pending job per key; re-adding replaces it. */
  jobKey?: string;
}

export interface JobQueueOptions {
  databaseUrl: string;
  logger: Logger;
  /** Jobs this process runs (more can be added with register before start). */
  jobs: JobDefinition<never>[];
  /** Jobs running at once in this process. */
  concurrency: number;
  /** Fallback poll for scheduled (runAt) jobs; new jobs arrive through LISTEN/NOTIFY. */
  pollIntervalMs?: number;
}

/**
 * The durable job queue: graphile-worker on Quire's own PostgreSQL. New jobs wake workers
 * through LISTEN/NOTIFY, so a queued job starts within milliseconds.
 */
export class JobQueue {
  readonly #options: JobQueueOptions;
  readonly #jobs: JobDefinition<never>[];
  #utils: WorkerUtils | undefined;
  #runner: Runner | undefined;
  readonly #workerIds = new Set<string>();
  readonly #shutdown = new AbortController();

  constructor(options: JobQueueOptions) {
    this.#options = options;
    this.#jobs = [...options.jobs];
  }

  /** Makes this process run `job`; an API-only process registers none and only enqueues. */
  register<P>(job: JobDefinition<P>): void {
    if (this.#runner) throw new Error("register jobs before start()");
    this.#jobs.push(job as unknown as JobDefinition<never>);
  }

  /** Installs graphile-worker's schema and, when this process runs jobs, starts the workers. */
  async start(): Promise<void> {
    const { databaseUrl, logger } = this.#options;
    const jobs = this.#jobs;
    await runMigrations({ connectionString: databaseUrl, logger: graphileLogger(logger) });
    this.#utils = await makeWorkerUtils({ connectionString: databaseUrl, logger: graphileLogger(logger) });
    if (jobs.length === 0) return;
    const taskList: TaskList = {};
    for (const job of jobs) {
      taskList[job.name] = async (raw, helpers) => {
        const payload = job.payload.parse(raw);
        await job.run(payload, { signal: this.#shutdown.signal, attempt: helpers.job.attempts });
      };
    }
    // graphile-worker locks jobs with the worker POOL's id (locked_by = "pool-..."), not the
    // per-worker ids; both are recorded so the reaper never mistakes a live lock for a dead
    // one. The emitter is passed in so pool:create, fired inside run(), is not missed.
    const events: WorkerEvents = new EventEmitter();
    events.on("pool:create", ({ workerPool }) => this.#workerIds.add(workerPool.id));
    events.on("pool:release", ({ workerPool }) => this.#workerIds.delete(workerPool.id));
    events.on("worker:create", ({ worker }) => this.#workerIds.add(worker.workerId));
    events.on("worker:stop", ({ worker }) => this.#workerIds.delete(worker.workerId));
    this.#runner = await run({
      connectionString: databaseUrl,
      concurrency: this.#options.concurrency,
      noHandleSignals: true,
      pollInterval: this.#options.pollIntervalMs ?? 1000,
      taskList,
      logger: graphileLogger(logger),
      events,
    });
  }

  /** Validates the payload, then adds the job. */
  async enqueue<P>(job: JobDefinition<P>, payload: P, options: EnqueueOptions = {}): Promise<void> {
    if (!this.#utils) throw new Error("job queue is not started");
    await this.#utils.addJob(job.name, job.payload.parse(payload), {
      priority: options.priority,
      runAt: options.runAt,
      jobKey: options.jobKey,
      jobKeyMode: options.jobKey ? "replace" : undefined,
      maxAttempts: 5,
    });
  }

  /** graphile-worker pool and worker ids of this process (what locked_by holds). */
  workerIds(): string[] {
    return [...this.#workerIds];
  }

  /** Stops taking jobs, lets running ones finish (they see the abort signal), then closes. */
  async stop(): Promise<void> {
    this.#shutdown.abort();
    await this.#runner?.stop();
    this.#runner = undefined;
    await this.#utils?.release();
    this.#utils = undefined;
  }
}

function graphileLogger(logger: Logger) {
  // graphile-worker wants its own Logger class; adapt pino through its factory.
  return new GraphileLogger((scope) => (level, message, meta) => {
    const method = level === "error" ? "error" : level === "warning" ? "warn" : "debug";
    logger[method]({ scope, meta }, `graphile-worker: ${message}`);
  });
}
