import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { PrismaClient } from "../db/prisma-client.ts";
import type { Logger } from "../logging/logger.ts";
import { releaseJobsOf } from "./release-jobs.ts";

export interface WorkerReaperOptions {
  prisma: PrismaClient;
  logger: Logger;
  role: string;
  /** graphile-worker ids this process currently runs. */
  workerIds: () => string[];
  /**
   * Moves on open work that no job will move on (see BatchLifecycle.recoverOrphans), given how
   * long work must sit untouched to count; run at start and after every sweep.
   */
  recoverOrphans?: (graceMs: number) => Promise<unknown>;
  heartbeatMs?: number;
  /** A process silent for this long is dead; its jobs are unlocked. */
  deadAfterMs?: number;
}

/**
 * graphile-worker never notices a worker that died (kill -9, lost machine): its jobs stay
 * locked for four hours. Every process heartbeats with the ids of its workers; every process
 * also sweeps for jobs locked by ids that no live process claims and force-unlocks them, so
 * another worker picks them up well within a minute, without the lost run counting as an attempt.
 * Only graphile-worker's public interface is used (see release-jobs.ts).
 */
export class WorkerReaper {
  readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly #options: Required<Omit<WorkerReaperOptions, "recoverOrphans">> & Pick<WorkerReaperOptions, "recoverOrphans">;
  #timer: NodeJS.Timeout | undefined;
  #beating: Promise<void> | undefined;

  constructor(options: WorkerReaperOptions) {
    const deadAfterMs = options.deadAfterMs ?? 20_000;
    // Several heartbeats must fit in the dead-after window, or a live process whose last beat
    // is just older than the threshold looks dead and its running jobs are taken from it.
    const heartbeatMs = options.heartbeatMs ?? Math.max(250, Math.min(5_000, Math.floor(deadAfterMs / 4)));
    if (heartbeatMs * 2 > deadAfterMs) throw new Error("worker heartbeat must be at most half of deadAfterMs");
    this.#options = { ...options, heartbeatMs, deadAfterMs };
  }

  async start(): Promise<void> {
    await this.#beat();
    await this.#options.recoverOrphans?.(this.#options.deadAfterMs);
    this.#timer = setInterval(() => {
      this.#beating ??= this.#beat()
        .then(() => this.sweep())
        .then(() => this.#options.recoverOrphans?.(this.#options.deadAfterMs))
        .then(() => undefined)
        .catch((error: unknown) => this.#options.logger.warn({ err: error }, "worker heartbeat failed"))
        .finally(() => (this.#beating = undefined));
    }, this.#options.heartbeatMs);
    this.#timer.unref();
  }

  async #beat(): Promise<void> {
    const { prisma, role, workerIds } = this.#options;
    const ids = workerIds();
    await prisma.workerProcess.upsert({
      where: { id: this.id },
      create: { id: this.id, hostname: hostname(), pid: process.pid, role, workerIds: ids },
      update: { heartbeatAt: new Date(), workerIds: ids },
    });
  }

  /** Unlocks jobs held by dead workers; returns the worker ids unlocked. */
  async sweep(): Promise<string[]> {
    const { prisma, deadAfterMs, logger } = this.#options;
    const rows = await prisma.$queryRaw<{ locked_by: string }[]>`
      SELECT DISTINCT j.locked_by
        FROM graphile_worker.jobs j
       WHERE j.locked_by IS NOT NULL
         AND j.locked_at < now() - make_interval(secs => ${deadAfterMs / 1000})
         AND NOT EXISTS (
           SELECT 1 FROM worker_processes w
            WHERE j.locked_by = ANY (w.worker_ids)
              AND w.heartbeat_at > now() - make_interval(secs => ${deadAfterMs / 1000}))`;
    const dead = rows.map((row) => row.locked_by);
    if (dead.length > 0) {
      // A dead worker's run did not fail: its job gets back the attempt the pick counted.
      const released = await releaseJobsOf((sql, values) => prisma.$queryRawUnsafe(sql, ...values), dead);
      logger.warn({ workerIds: dead, jobs: released }, "unlocked jobs of dead workers");
    }
    await prisma.workerProcess.deleteMany({ where: { heartbeatAt: { lt: new Date(Date.now() - 10 * deadAfterMs) } } });
    return dead;
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#beating;
    await this.#options.prisma.workerProcess.deleteMany({ where: { id: this.id } }).catch(() => undefined);
  }
}
