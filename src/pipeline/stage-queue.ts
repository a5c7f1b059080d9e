import { z } from "zod";
import type { PrismaClient } from "../db/prisma-client.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Stage } from "../generated/prisma/enums.ts";
import { expandStages, STAGES } from "./stage-order.ts";

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
   * The first planned stage of the document not yet completed; null when every stage is done,
   * undefined when the document does not exist.
   */
  async nextStage(documentId: string, db: Db = this.#prisma): Promise<Stage | null | undefined> {
    const document = await db.documentJob.findUnique({
      where: { id: documentId },
      select: { batch: { select: { stages: true } }, checkpoints: { select: { stage: true, status: true } } },
    });
    if (!document) return undefined;
    const done = new Set(document.checkpoints.filter((c) => c.status === "COMPLETED").map((c) => c.stage));
    return expandStages(document.batch.stages).find((stage) => !done.has(stage)) ?? null;
  }

  /**
   * Adds (or replaces) the job of one stage run. Priority: the batch's priority first, then
   * smaller documents first (pages when known, else size).
   */
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
               priority => (CASE b.priority WHEN 'CRITICAL' THEN 0 WHEN 'HIGH' THEN 1000 WHEN 'NORMAL' THEN 2000 ELSE 3000 END)
                           + LEAST(999, COALESCE(d.page_count, CEIL(d.size_bytes / 100000.0)::int)),
               job_key_mode => 'replace') AS job
       WHERE d.id = ${documentId}::uuid`;
  }
}
