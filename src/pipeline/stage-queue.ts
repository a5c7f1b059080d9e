import { z } from "zod";
import type { PrismaClient } from "../db/prisma-client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import type { Stage } from "../generated/prisma/enums.ts";
import { STAGES } from "./stage-order.ts";

/** The Prisma client or an open transaction: enqueueing joins whatever transaction it is given. */
export type Db = PrismaClient | Prisma.TransactionClient;

/** graphile-worker task name of one stage run. */
export const STAGE_JOB_NAME = "pipeline.stage";

export const stagePayload = z.object({ documentId: z.uuid(), stage: z.enum(STAGES as [Stage, ...Stage[]]) });
export type StagePayload = z.infer<typeof stagePayload>;

/** The job key of a stage run: at most one pending job per document and stage. */
export function stageJobKey(documentId: string, stage: Stage): string {
  return `stage:${documentId}:${stage}`;
}

const MAX_ATTEMPTS = 5;

/**
 * A stage job's priority (lower runs first) from its document `d` and batch `b`: the batch's
 * priority, then documents already started before new ones, then smaller documents first
 * (pages when known, else 30 points per doubling of the file's size, which tells small files
 * apart and still ranks large ones). Started documents first means a slot freed by a finished
 * stage goes to that document's next stage rather than to a document not yet begun, so a
 * document's stages follow each other without queueing behind the batch's other first
 * stages, and fewer documents are half done (and held in memory) at once.
 */
const PRIORITY_SQL = Prisma.sql`(CASE b.priority WHEN 'CRITICAL' THEN 0 WHEN 'HIGH' THEN 2000 WHEN 'NORMAL' THEN 4000 ELSE 6000 END)
  + (CASE d.status WHEN 'RUNNING' THEN 0 ELSE 1000 END)
  + LEAST(999, COALESCE(d.page_count, (30 * LN(GREATEST(d.size_bytes, 1)) / LN(2))::int))`;

/**
 * Queues stage runs with `graphile_worker.add_job` on the connection it is given, so a caller
 * holding a transaction (batch creation, retry) commits its rows and their jobs together:
 * there is no moment in which a document exists without the job that moves it on.
 */
export class StageQueue {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /**
   * Queues the first stage of `plan` the document has not completed, in one statement (the
   * hand-off from one stage to the next is on every document's critical path): the stage
   * queued, null when every stage is done, undefined when the document does not exist.
   */
  async enqueueNext(documentId: string, plan: readonly Stage[], db: Db = this.#prisma): Promise<Stage | null | undefined> {
    // The payload is built in SQL from these same values: validate each one it can be.
    for (const stage of plan) stagePayload.parse({ documentId, stage });
    const [row] = await db.$queryRaw<{ found: boolean; stage: Stage | null; queued: bigint }[]>`
      WITH next AS (
        SELECT p.stage
          FROM unnest(${[...plan]}::text[]::"Stage"[]) WITH ORDINALITY AS p(stage, position)
         WHERE NOT EXISTS (
           SELECT 1 FROM checkpoints c
            WHERE c.document_id = ${documentId}::uuid AND c.stage = p.stage AND c.status = 'COMPLETED')
         ORDER BY p.position
         LIMIT 1),
      queued AS (
        SELECT job.id
          FROM next, document_jobs d JOIN batch_jobs b ON b.id = d.batch_id,
               LATERAL graphile_worker.add_job(
                 identifier => ${STAGE_JOB_NAME},
                 payload => json_build_object('documentId', d.id, 'stage', next.stage),
                 max_attempts => ${MAX_ATTEMPTS}::int,
                 job_key => 'stage:' || d.id::text || ':' || next.stage::text,
                 priority => ${PRIORITY_SQL},
                 job_key_mode => 'replace') AS job
         WHERE d.id = ${documentId}::uuid)
      SELECT EXISTS (SELECT 1 FROM document_jobs WHERE id = ${documentId}::uuid) AS found,
             (SELECT stage FROM next)::text AS stage,
             (SELECT count(*) FROM queued) AS queued`;
    if (!row?.found) return undefined;
    return row.stage;
  }

  /** Adds (or replaces) the job of `stage` for each of `documentIds`, in one statement. */
  async enqueueMany(documentIds: readonly string[], stage: Stage, db: Db = this.#prisma): Promise<void> {
    for (const documentId of documentIds) stagePayload.parse({ documentId, stage });
    await db.$queryRaw`
      SELECT count(*) AS queued
        FROM document_jobs d JOIN batch_jobs b ON b.id = d.batch_id,
             LATERAL graphile_worker.add_job(
               identifier => ${STAGE_JOB_NAME},
               payload => json_build_object('documentId', d.id, 'stage', ${stage}::text),
               max_attempts => ${MAX_ATTEMPTS}::int,
               job_key => 'stage:' || d.id::text || ':' || ${stage}::text,
               priority => ${PRIORITY_SQL},
               job_key_mode => 'replace') AS job
       WHERE d.id = ANY(${[...documentIds]}::text[]::uuid[])`;
  }

  /** Adds (or replaces) the job of one stage run, at PRIORITY_SQL's priority. */
  async enqueue(documentId: string, stage: Stage, options: { runAt?: Date; db?: Db } = {}): Promise<void> {
    const payload = JSON.stringify(stagePayload.parse({ documentId, stage }));
    const db = options.db ?? this.#prisma;
    await db.$queryRaw`
      SELECT 1 AS queued
        FROM document_jobs d JOIN batch_jobs b ON b.id = d.batch_id,
             LATERAL graphile_worker.add_job(
               identifier => ${STAGE_JOB_NAME},
               payload => ${payload}::json,
               run_at => ${options.runAt ?? null}::timestamptz,
               max_attempts => ${MAX_ATTEMPTS}::int,
               job_key => ${stageJobKey(documentId, stage)},
               priority => ${PRIORITY_SQL},
               job_key_mode => 'replace') AS job
       WHERE d.id = ${documentId}::uuid`;
  }
}
