import type { PrismaClient } from "../db/prisma-client.ts";
import type { BatchEventInput } from "../events/event-types.ts";
import { publishBatchEvent, type EventBus } from "../events/pubsub.ts";
import type { BatchStatus, DocumentStatus, Stage } from "../generated/prisma/enums.ts";
import type { Logger } from "../logging/logger.ts";
import { expandStages } from "../pipeline/stage-order.ts";
import type { Db, StageQueue } from "../pipeline/stage-queue.ts";

/** Work that follows a batch's documents (research refreshes); its failures never reach the batch. */
export interface BatchChangeListener {
  /** A document ended and the batch is still open. */
  documentFinished(batchId: string): Promise<void>;
  /** The batch settled or was cancelled. */
  batchEnded(batchId: string): Promise<void>;
}

export interface BatchLifecycleDeps {
  prisma: PrismaClient;
  events: EventBus;
  logger: Logger;
  stages: StageQueue;
  listener?: BatchChangeListener;
}

type FinishedStatus = Extract<DocumentStatus, "COMPLETED" | "FAILED" | "CANCELLED">;
interface Reason {
  code: string;
  message: string;
}

const OPEN_DOCUMENT: DocumentStatus[] = ["QUEUED", "RUNNING"];
const OPEN_BATCH: BatchStatus[] = ["QUEUED", "RUNNING"];
const ENDED_BATCH: BatchStatus[] = ["COMPLETED", "PARTIAL", "FAILED", "CANCELLED"];

/**
 * The one owner of batch and document status: start, finish, cancel, fail-all and retry.
 *
 * Every status write is a compare-and-set from the states it may leave (a document leaves
 * QUEUED/RUNNING once; a batch leaves QUEUED/RUNNING once, and only retry brings it back), and
 * the batch-level decisions (settle, cancel, fail-all, retry) take the batch row's lock, so two
 * documents ending together, a cancel and a settle, or a retry and a late finish agree on the
 * result. Cancelling also moves the running stage's checkpoint to CANCELLED, which fences every
 * write that run still tries (they all require the checkpoint to be RUNNING).
 */
export class BatchLifecycle {
  readonly #deps: BatchLifecycleDeps;

  constructor(deps: BatchLifecycleDeps) {
    this.#deps = deps;
  }

  /**
   * Inside the transaction that creates the batch: queues the first stage of every document
   * with nothing to wait for, so the rows and their jobs commit together.
   */
  async startBatch(tx: Db, plan: readonly Stage[], documents: { id: string; dependsOn: string[] }[]): Promise<void> {
    const ready = documents.filter((document) => document.dependsOn.length === 0).map((document) => document.id);
    // New documents have completed nothing: all start at the plan's first stage, queued in one
    // statement (a read and an insert per document kept a 200-file upload's transaction open
    // past Prisma's 5 s limit on a loaded machine).
    const first = plan[0];
    if (first && ready.length > 0) await this.#deps.stages.enqueueMany(ready, first, tx);
  }

  /**
   * Queues the document's next stage to do, or finishes it when every stage is done. A caller
   * that already holds the document's plan (the stage that just ran) passes it, which makes
   * the hand-off a single statement.
   */
  async advance(documentId: string, plan?: readonly Stage[]): Promise<void> {
    const { prisma, stages } = this.#deps;
    let known = plan;
    if (!known) {
      const document = await prisma.documentJob.findUnique({ where: { id: documentId }, select: { batch: { select: { stages: true } } } });
      if (!document) return;
      known = expandStages(document.batch.stages);
    }
    const next = await stages.enqueueNext(documentId, known);
    if (next === null) await this.finishDocument(documentId, "COMPLETED");
  }

  /** Queues a stage again (a retry after backoff, or a run interrupted by shutdown). */
  async requeue(documentId: string, stage: Stage, runAt?: Date): Promise<void> {
    await this.#deps.stages.enqueue(documentId, stage, { runAt });
  }

  /**
   * A stage run starting: QUEUED/RUNNING -> RUNNING for the document (never over a finished or
   * cancelled one), QUEUED -> RUNNING for its batch. False means the run must not go on.
   */
  async markRunning(documentId: string, batchId: string, stage: Stage): Promise<boolean> {
    const { prisma } = this.#deps;
    const moved = await prisma.$executeRaw`
      UPDATE document_jobs SET status = 'RUNNING', current_stage = ${stage}::"Stage", started_at = COALESCE(started_at, now())
       WHERE id = ${documentId}::uuid AND status IN ('QUEUED', 'RUNNING')`;
    if (moved === 0) return false;
    await prisma.batchJob.updateMany({ where: { id: batchId, status: "QUEUED" }, data: { status: "RUNNING", startedAt: new Date() } });
    return true;
  }

  /**
   * A document ends. Only the first end counts (QUEUED/RUNNING -> status); a failed document's
   * stages still to do become SKIPPED; then FAIL_ALL cancels the rest, dependents start or
   * fail, and the batch settles.
   *
   * Every end takes the batch row's lock, and FAIL_ALL cancels the open siblings in the same
   * transaction that records the failure: a sibling finishing at the same moment either
   * committed COMPLETED before the failure, or finds itself CANCELLED. None completes after.
   */
  async finishDocument(documentId: string, status: FinishedStatus, reason?: Reason): Promise<void> {
    const { prisma } = this.#deps;
    const finished = await prisma.$transaction(async (tx) => {
      const document = await tx.documentJob.findUnique({
        where: { id: documentId },
        select: { batchId: true, batch: { select: { errorStrategy: true } } },
      });
      if (!document) return null;
      await tx.$queryRaw`SELECT id FROM batch_jobs WHERE id = ${document.batchId}::uuid FOR NO KEY UPDATE`;
      const moved = await tx.documentJob.updateMany({
        where: { id: documentId, status: { in: OPEN_DOCUMENT } },
        data: { status, finishedAt: new Date(), errorCode: reason?.code ?? null, errorMessage: reason?.message ?? null },
      });
      if (moved.count === 0) return null;
      let cancelled: string[] = [];
      if (status === "FAILED") {
        await tx.checkpoint.updateMany({ where: { documentId, status: "PENDING" }, data: { status: "SKIPPED" } });
        if (document.batch.errorStrategy === "FAIL_ALL") {
          cancelled = await cancelOpenDocuments(tx, document.batchId, { code: "BATCH_FAILED", message: "Another document of this FAIL_ALL batch failed." });
        }
      }
      return { batchId: document.batchId, cancelled };
    });
    if (!finished) return;
    this.#publish(finished.batchId, { kind: "DOCUMENT_FINISHED", documentId, status });
    for (const id of finished.cancelled) this.#publish(finished.batchId, { kind: "DOCUMENT_FINISHED", documentId: id, status: "CANCELLED" });
    await this.#releaseDependents(finished.batchId, documentId, status);
    // A dependent finishing in between has told the listener already; once more is harmless.
    if (!(await this.settle(finished.batchId))) await this.#tell("documentFinished", finished.batchId);
  }

  /** The user cancels: open documents stop (running stages within a poll interval). False if the batch had already ended. */
  async cancel(batchId: string): Promise<boolean> {
    const cancelled = await this.#deps.prisma.$transaction(async (tx) => {
      if (!(await lockOpenBatch(tx, batchId))) return null;
      const ids = await cancelOpenDocuments(tx, batchId, { code: "CANCELLED", message: "The batch was cancelled." });
      await tx.batchJob.update({ where: { id: batchId }, data: { status: "CANCELLED", finishedAt: new Date() } });
      return ids;
    });
    if (!cancelled) return false;
    for (const documentId of cancelled) this.#publish(batchId, { kind: "DOCUMENT_FINISHED", documentId, status: "CANCELLED" });
    this.#publish(batchId, { kind: "BATCH_STATUS", status: "CANCELLED" });
    await this.#tell("batchEnded", batchId);
    return true;
  }

  /**
   * Re-runs FAILED and CANCELLED documents from their last completed stage. Status resets and
   * the jobs of the documents that can start commit in one transaction.
   */
  async retry(batchId: string): Promise<void> {
    const { prisma, stages } = this.#deps;
    const nothingLeft = await prisma.$transaction(async (tx) => {
      const [batch] = await tx.$queryRaw<{ stages: Stage[] }[]>`
        SELECT stages::text[] AS stages FROM batch_jobs WHERE id = ${batchId}::uuid FOR NO KEY UPDATE`;
      if (!batch) return [];
      const plan = expandStages(batch.stages);
      const retried = await tx.$queryRaw<{ id: string; depends_on: string[] }[]>`
        UPDATE document_jobs SET status = 'QUEUED', error_code = NULL, error_message = NULL, finished_at = NULL
         WHERE batch_id = ${batchId}::uuid AND status IN ('FAILED', 'CANCELLED')
        RETURNING id, to_json(COALESCE(depends_on, '{}')) AS depends_on`;
      if (retried.length === 0) return [];
      const ids = retried.map((row) => row.id);
      // A retry the user asks for gets the full budget of attempts again.
      await tx.checkpoint.updateMany({
        where: { documentId: { in: ids }, status: { in: ["FAILED", "CANCELLED", "RUNNING", "SKIPPED", "PENDING"] } },
        data: { status: "PENDING", failedAttempts: 0 },
      });
      await tx.batchJob.updateMany({ where: { id: batchId, status: { in: ENDED_BATCH } }, data: { status: "QUEUED", finishedAt: null } });
      const done: string[] = [];
      for (const document of retried) {
        const waiting = await tx.documentJob.count({ where: { id: { in: document.depends_on }, status: { not: "COMPLETED" } } });
        if (waiting > 0) continue;
        if ((await stages.enqueueNext(document.id, plan, tx)) === null) done.push(document.id);
      }
      return done;
    });
    // Cancelled after its last stage completed: nothing to run, it simply completes.
    for (const documentId of nothingLeft) await this.finishDocument(documentId, "COMPLETED");
  }

  async #releaseDependents(batchId: string, documentId: string, status: FinishedStatus): Promise<void> {
    const { prisma } = this.#deps;
    const dependents = await prisma.documentJob.findMany({
      where: { batchId, dependsOn: { has: documentId }, status: "QUEUED" },
      select: { id: true, dependsOn: true },
    });
    for (const dependent of dependents) await this.#resumeWaiting(dependent, status !== "COMPLETED");
  }

  /** A document waiting for others: fails if one of them did not complete, starts once all did. */
  async #resumeWaiting(document: { id: string; dependsOn: string[] }, dependencyFailed: boolean): Promise<void> {
    const { prisma } = this.#deps;
    const statuses = await prisma.documentJob.findMany({ where: { id: { in: document.dependsOn } }, select: { status: true } });
    if (dependencyFailed || statuses.some((row) => row.status === "FAILED" || row.status === "CANCELLED")) {
      await this.finishDocument(document.id, "FAILED", { code: "DEPENDENCY_FAILED", message: "A document this one depends on did not complete." });
      return;
    }
    if (statuses.every((row) => row.status === "COMPLETED")) await this.advance(document.id);
  }

  /** Recomputes the batch's terminal status once no document is left open: QUEUED/RUNNING -> ended, under the batch lock. */
  async settle(batchId: string): Promise<BatchStatus | undefined> {
    const status = await this.#deps.prisma.$transaction(async (tx) => {
      const [batch] = await tx.$queryRaw<{ status: BatchStatus; error_strategy: string }[]>`
        SELECT status, error_strategy FROM batch_jobs WHERE id = ${batchId}::uuid FOR NO KEY UPDATE`;
      if (!batch || !OPEN_BATCH.includes(batch.status)) return undefined;
      const counts = await tx.documentJob.groupBy({ by: ["status"], where: { batchId }, _count: { _all: true } });
      const count = (name: DocumentStatus) => counts.find((row) => row.status === name)?._count._all ?? 0;
      if (count("QUEUED") + count("RUNNING") > 0) return undefined;
      const completed = count("COMPLETED");
      const total = completed + count("FAILED") + count("CANCELLED");
      let next: BatchStatus;
      if (completed === total) next = "COMPLETED";
      else if (batch.error_strategy === "FAIL_ALL" && count("FAILED") > 0) next = "FAILED";
      else if (completed === 0 && count("FAILED") === 0) next = "CANCELLED";
      else if (completed === 0) next = "FAILED";
      else next = "PARTIAL";
      await tx.batchJob.update({ where: { id: batchId }, data: { status: next, finishedAt: new Date() } });
      return next;
    });
    if (status) {
      this.#publish(batchId, { kind: "BATCH_STATUS", status });
      await this.#tell("batchEnded", batchId);
    }
    return status;
  }

  /**
   * Finds open work that nothing will move on (its job was lost: a crash before this code
   * enqueued in one transaction, a job that used up its attempts while the database was away)
   * and moves it on: documents without a stage job are advanced, waiting documents whose
   * dependencies ended are started or failed, and batches with no open document are settled.
   * Only rows untouched for `graceMs` count, so work between two steps is left alone.
   */
  async recoverOrphans(graceMs: number): Promise<number> {
    const { prisma, logger } = this.#deps;
    const grace = graceMs / 1000;
    const documents = await prisma.$queryRaw<{ id: string; depends_on: string[] }[]>`
      SELECT d.id, to_json(COALESCE(d.depends_on, '{}')) AS depends_on
        FROM document_jobs d
       WHERE d.status IN ('QUEUED', 'RUNNING')
         AND d.created_at < now() - make_interval(secs => ${grace})
         AND NOT EXISTS (
           SELECT 1 FROM graphile_worker.jobs j
            WHERE j.task_identifier = 'pipeline.stage' AND j.key LIKE 'stage:' || d.id::text || ':%'
              AND j.attempts < j.max_attempts)
         AND NOT EXISTS (
           SELECT 1 FROM checkpoints c
            WHERE c.document_id = d.id AND c.updated_at > now() - make_interval(secs => ${grace}))
       ORDER BY d.created_at
       LIMIT 100`;
    for (const document of documents) {
      if (document.depends_on.length > 0) await this.#resumeWaiting({ id: document.id, dependsOn: document.depends_on }, false);
      else await this.advance(document.id);
    }
    const batches = await prisma.$queryRaw<{ id: string }[]>`
      SELECT b.id FROM batch_jobs b
       WHERE b.status IN ('QUEUED', 'RUNNING') AND b.created_at < now() - make_interval(secs => ${grace})
         AND NOT EXISTS (SELECT 1 FROM document_jobs d WHERE d.batch_id = b.id AND d.status IN ('QUEUED', 'RUNNING'))
       LIMIT 100`;
    for (const batch of batches) await this.settle(batch.id);
    const moved = documents.length + batches.length;
    if (moved > 0) logger.warn({ documents: documents.length, batches: batches.length }, "moved on orphaned work");
    return moved;
  }

  /** The batch's status is committed already: a listener that fails is logged, never rethrown. */
  async #tell(event: keyof BatchChangeListener, batchId: string): Promise<void> {
    try {
      await this.#deps.listener?.[event](batchId);
    } catch (error) {
      this.#deps.logger.warn({ batchId, event, error: error instanceof Error ? error.message : String(error) }, "batch change listener failed");
    }
  }

  #publish(batchId: string, event: BatchEventInput): void {
    publishBatchEvent(this.#deps.events, batchId, event);
  }
}

/** Takes the batch row's lock; false when the batch has already ended. */
async function lockOpenBatch(tx: Db, batchId: string): Promise<boolean> {
  const [batch] = await tx.$queryRaw<{ status: BatchStatus }[]>`
    SELECT status FROM batch_jobs WHERE id = ${batchId}::uuid FOR NO KEY UPDATE`;
  return Boolean(batch && OPEN_BATCH.includes(batch.status));
}

/**
 * QUEUED/RUNNING documents -> CANCELLED, and their running checkpoints -> CANCELLED, which
 * fences whatever the running stage still writes. Returns the documents it cancelled.
 */
async function cancelOpenDocuments(tx: Db, batchId: string, reason: Reason): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    UPDATE document_jobs SET status = 'CANCELLED', finished_at = now(), error_code = ${reason.code}, error_message = ${reason.message}
     WHERE batch_id = ${batchId}::uuid AND status IN ('QUEUED', 'RUNNING')
    RETURNING id`;
  const ids = rows.map((row) => row.id);
  if (ids.length > 0) {
    await tx.$executeRaw`
      UPDATE checkpoints SET status = 'CANCELLED', finished_at = now(), error_code = ${reason.code}, error_message = ${reason.message}, updated_at = now()
       WHERE document_id = ANY (${ids}::uuid[]) AND status = 'RUNNING'`;
  }
  return ids;
}
