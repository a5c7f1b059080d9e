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
import pg from "pg";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../logging/logger.ts";
import type { JobDefinition } from "./job-definition.ts";
import { releaseJobsOf } from "./release-jobs.ts";

export interface EnqueueOptions {
  /** Lower runs first. */
  priority?: number;
  runAt?: Date;
  /** At most one pending job per key; re-adding replaces it. */
  jobKey?: string;
  /** "preserve_run_at" replaces the payload but keeps the pending job's run time (a throttle). */
  jobKeyMode?: "replace" | "preserve_run_at";
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
  /**
   * The one pool behind migrations, utils and every runner. Ours, not graphile-worker's: its
   * pools drop their "error" listener when released, so an idle client losing its connection
   * while the database stops (Ctrl-C, an outage) was an unhandled 'error' that killed the process.
   */
  #pool: pg.Pool | undefined;
  readonly #workerIds = new Set<string>();
  /** Every pool this process started; cleared once a stopped pool's locks are released. */
  readonly #poolIds = new Set<string>();
  #restarting: Promise<void> | undefined;
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
    const pool = new pg.Pool({ connectionString: databaseUrl, max: this.#options.concurrency + 4, application_name: "quire-jobs" });
    pool.on("error", (error) => logger.warn(`job queue: an idle database connection failed (${shortMessage(error)})`));
    // A checked-out client's error also reaches the query it is running, which reports it;
    // this listener only keeps it from being an unhandled 'error' event.
    pool.on("connect", (client) => client.on("error", () => undefined));
    this.#pool = pool;
    await runMigrations({ pgPool: pool, logger: graphileLogger(logger) });
    this.#utils = await makeWorkerUtils({ pgPool: pool, logger: graphileLogger(logger) });
    if (this.#jobs.length === 0) return;
    this.#runner = await this.#run();
  }

  /** Starts a graphile-worker runner and watches it: a runner that dies is restarted. */
  async #run(): Promise<Runner> {
    const { logger } = this.#options;
    const taskList: TaskList = {};
    for (const job of this.#jobs) {
      taskList[job.name] = async (raw, helpers) => {
        const payload = job.payload.parse(raw);
        await job.run(payload, { signal: this.#shutdown.signal, attempt: helpers.job.attempts });
      };
    }
    // graphile-worker locks jobs with the worker POOL's id (locked_by = "pool-..."), not the
    // per-worker ids; both are recorded so the reaper never mistakes a live lock for a dead
    // one. The emitter is passed in so pool:create, fired inside run(), is not missed.
    const events: WorkerEvents = new EventEmitter();
    events.on("pool:create", ({ workerPool }) => {
      this.#workerIds.add(workerPool.id);
      this.#poolIds.add(workerPool.id);
    });
    events.on("pool:release", ({ workerPool }) => this.#workerIds.delete(workerPool.id));
    events.on("worker:create", ({ worker }) => this.#workerIds.add(worker.workerId));
    events.on("worker:stop", ({ worker }) => this.#workerIds.delete(worker.workerId));
    const runner = await run({
      pgPool: this.#pool,
      concurrency: this.#options.concurrency,
      noHandleSignals: true,
      pollInterval: this.#options.pollIntervalMs ?? 1000,
      taskList,
      logger: graphileLogger(logger),
      events,
      // graphile-worker calls completeJob/failJob without awaiting them: unbatched, a failure
      // (database gone) is an unhandled rejection that kills the process. Batched, it goes to
      // graphile-worker's handler, which shuts the pool down; #restart brings a new one.
      preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    });
    runner.promise.then(
      () => this.#restart("the job runner stopped"),
      (error: unknown) => this.#restart(`the job runner failed: ${shortMessage(error)}`),
    );
    return runner;
  }

  /** Restarts a runner that ended on its own (never one stopped by stop()), with backoff. */
  #restart(reason: string): void {
    if (this.#shutdown.signal.aborted) return;
    const { logger } = this.#options;
    logger.warn(`${reason}; restarting it`);
    this.#runner = undefined;
    this.#restarting = (async () => {
      for (let attempt = 0; !this.#shutdown.signal.aborted; attempt++) {
        await sleep(Math.min(RESTART_MAX_DELAY_MS, RESTART_BASE_DELAY_MS * 2 ** attempt), undefined, {
          signal: this.#shutdown.signal,
        }).catch(() => undefined);
        if (this.#shutdown.signal.aborted) return;
        try {
          // The dead pool's jobs stay locked (for hours) unless they are released now.
          await this.#unlockStoppedPools();
          const runner = await this.#run();
          if (this.#shutdown.signal.aborted) {
            await runner.stop();
            return;
          }
          this.#runner = runner;
          logger.info("job runner restarted");
          return;
        } catch (error) {
          logger.warn(`job runner restart failed (${shortMessage(error)}); trying again`);
        }
      }
    })().finally(() => (this.#restarting = undefined));
  }

  /** Releases jobs still locked by this process's pools that have stopped (their attempt given back). */
  async #unlockStoppedPools(): Promise<void> {
    const stopped = [...this.#poolIds].filter((id) => !this.#workerIds.has(id));
    const utils = this.#utils;
    if (stopped.length === 0 || !utils) return;
    await releaseJobsOf((sql, values) => utils.withPgClient(async (client) => (await client.query<Record<string, unknown>>(sql, values)).rows), stopped);
    for (const id of stopped) this.#poolIds.delete(id);
  }

  /** Validates the payload, then adds the job. */
  async enqueue<P>(job: JobDefinition<P>, payload: P, options: EnqueueOptions = {}): Promise<void> {
    if (!this.#utils) throw new Error("job queue is not started");
    await this.#utils.addJob(job.name, job.payload.parse(payload), {
      priority: options.priority,
      runAt: options.runAt,
      jobKey: options.jobKey,
      jobKeyMode: options.jobKey ? (options.jobKeyMode ?? "replace") : undefined,
      maxAttempts: 5,
    });
  }

  /** graphile-worker pool and worker ids of this process (what locked_by holds). */
  workerIds(): string[] {
    return [...this.#workerIds];
  }

  /**
   * Stops taking jobs, lets running ones finish (they see the abort signal and hand their
   * work back), releases any job the stopped pools still lock, then closes.
   */
  async stop(): Promise<void> {
    this.#shutdown.abort();
    await this.#restarting;
    try {
      await this.#runner?.stop();
      this.#runner = undefined;
      await this.#unlockStoppedPools();
    } finally {
      await this.#utils?.release();
      this.#utils = undefined;
      await this.#pool?.end();
      this.#pool = undefined;
    }
  }
}

const RESTART_BASE_DELAY_MS = 500;
const RESTART_MAX_DELAY_MS = 15_000;

function shortMessage(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return `${typeof code === "string" ? `${code} ` : ""}${firstLine(message, 200)}`;
}

/** One line (Prisma's messages span several, graphile-worker appends stacks), cut to `max` characters. */
function firstLine(text: string, max: number): string {
  const line = text.replace(/\s*\n\s*/g, " ").trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

function graphileLogger(logger: Logger) {
  // graphile-worker wants its own Logger class; adapt pino through its factory. Its meta holds
  // pg clients (with their cancel secretKey), jobs and payloads: only one short line is logged,
  // with the error's code when there is one.
  return new GraphileLogger((scope) => (level, message, meta) => {
    const method = level === "error" ? "error" : level === "warning" ? "warn" : "debug";
    const error = meta?.error ?? meta?.fatalError;
    const code = (error as { code?: unknown } | undefined)?.code;
    logger[method](
      { taskIdentifier: scope.taskIdentifier, jobId: scope.jobId, code: typeof code === "string" ? code : undefined },
      `graphile-worker: ${firstLine(message, 300)}`,
    );
  });
}
