import type { BatchLifecycle } from "../batches/batch-lifecycle.ts";
import type { BatchEventInput } from "../events/event-types.ts";
import { publishBatchEvent, type EventBus } from "../events/pubsub.ts";
import { createProgressThrottle } from "../events/progress-throttle.ts";
import type { DocumentStatus, Stage } from "../generated/prisma/enums.ts";
import { defineJob, type JobDefinition } from "../jobs/job-definition.ts";
import type { Logger } from "../logging/logger.ts";
import { backoffDelayMs, classifyFailure } from "./failure-classification.ts";
import { STAGE_HANDLERS } from "./stage-handlers.ts";
import type { PipelineDeps, StageContext, StageDocument } from "./stage-context.ts";
import { expandStages } from "./stage-order.ts";
import { STAGE_JOB_NAME, stagePayload, type StagePayload } from "./stage-queue.ts";
import type { UploadStore } from "../uploads/upload-store.ts";
import { StaleAttemptError } from "./stale-attempt-error.ts";
import type { StageClaim } from "./checkpoint-store.ts";

/** Runs of one stage that may end without finishing or failing (a stop, a lost worker) before the document fails. */
const MAX_INTERRUPTED_RUNS = 20;
const INTERRUPTED_MESSAGE = `The stage was interrupted ${MAX_INTERRUPTED_RUNS} times (stopped or lost workers) without finishing.`;

export interface PipelineOptions {
  /** Attempts of one stage before the document fails. */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How often a running stage checks whether its document was cancelled. */
  cancelPollMs: number;
}

export interface PipelineServiceDeps extends PipelineDeps {
  lifecycle: BatchLifecycle;
  /** Where each document's uploaded bytes are read from. */
  uploads: Pick<UploadStore, "readDocument">;
  events: EventBus;
  logger: Logger;
  options: PipelineOptions;
}

/**
 * Runs documents through their stages, one queued job per (document, stage). Each run
 * claims its checkpoint (bumping the attempt that fences every write), works under an abort
 * signal that fires on cancel or shutdown, commits, and hands the document to the batch
 * lifecycle, which queues the next stage or finishes it.
 */
export class PipelineService {
  readonly #deps: PipelineServiceDeps;
  readonly #throttle = createProgressThrottle(100);
  readonly job: JobDefinition<StagePayload>;

  constructor(deps: PipelineServiceDeps) {
    this.#deps = deps;
    this.job = defineJob({
      name: STAGE_JOB_NAME,
      payload: stagePayload,
      run: (payload, context) => this.runStage(payload, context.signal),
    });
  }

  /** One run of one stage (the job handler). */
  async runStage({ documentId, stage }: StagePayload, shutdown: AbortSignal): Promise<void> {
    const { prisma, checkpoints, lifecycle, logger } = this.#deps;
    const row = await this.#readDocument(documentId);
    if (!row || ["COMPLETED", "FAILED", "CANCELLED"].includes(row.status)) return;
    const plan = expandStages(row.stages);
    if (!plan.includes(stage)) return;
    const claim = await checkpoints.claim(documentId, stage);
    if (!claim) {
      // Already completed (a duplicate delivery): make sure the document moves on.
      if (await checkpoints.isCompleted(documentId, stage)) await lifecycle.advance(documentId, plan);
      return;
    }
    if (!(await lifecycle.markRunning(documentId, row.batchId, stage))) {
      // Cancelled (or failed) between the read above and the claim: give the stage back.
      await checkpoints.release(claim, { code: "CANCELLED", message: "The document is no longer open.", durationMs: 0 });
      return;
    }
    if (claim.attempt - claim.failedAttempts > MAX_INTERRUPTED_RUNS) {
      // Interrupted runs are free, but a stage that takes its worker down every time would
      // otherwise loop forever.
      await checkpoints.fail(claim, { code: "STAGE_INTERRUPTED", message: INTERRUPTED_MESSAGE, retrying: false, durationMs: 0 });
      this.#publish(row.batchId, { kind: "STAGE_FAILED", documentId, stage, status: "FAILED" });
      await lifecycle.finishDocument(documentId, "FAILED", { code: "STAGE_INTERRUPTED", message: INTERRUPTED_MESSAGE });
      return;
    }
    this.#publish(row.batchId, { kind: "STAGE_STARTED", documentId, stage, status: "RUNNING" });

    const document: StageDocument = {
      id: row.id,
      batchId: row.batchId,
      userId: row.userId,
      filename: row.filename,
      sha256: row.sha256,
      pageCount: row.pageCount,
      renderDpi: row.renderDpi,
    };
    const abort = new AbortController();
    const onShutdown = () => abort.abort(new Error("worker shutting down"));
    shutdown.addEventListener("abort", onShutdown);
    const watchdog = setInterval(() => {
      void prisma.documentJob
        .findUnique({ where: { id: documentId }, select: { status: true } })
        .then((current) => {
          if (!current || current.status === "CANCELLED") abort.abort(new Error("document cancelled"));
        })
        .catch(() => undefined);
    }, this.#deps.options.cancelPollMs);

    const started = performance.now();
    const context = this.#stageContext(document, claim, abort.signal);
    try {
      const result = await STAGE_HANDLERS[stage](context);
      await checkpoints.complete(claim, { ...result, durationMs: performance.now() - started });
      this.#publish(row.batchId, { kind: "STAGE_COMPLETED", documentId, stage, status: "COMPLETED" });
      await lifecycle.advance(documentId, plan);
    } catch (error) {
      await this.#handleFailure(document, claim, stage, error, abort.signal, shutdown, performance.now() - started);
    } finally {
      clearInterval(watchdog);
      shutdown.removeEventListener("abort", onShutdown);
      this.#throttle.forget(documentId);
      logger.debug({ documentId, stage, attempt: claim.attempt }, "stage run ended");
    }
  }

  /** The document, its status and its batch's stages in one round trip (Prisma's include is two). */
  async #readDocument(documentId: string): Promise<(StageDocument & { status: DocumentStatus; stages: Stage[] }) | undefined> {
    const [row] = await this.#deps.prisma.$queryRaw<(StageDocument & { status: DocumentStatus; stages: Stage[] })[]>`
      SELECT d.id, d.batch_id AS "batchId", d.user_id AS "userId", d.filename, d.sha256, d.page_count AS "pageCount",
             d.status::text AS status, b.render_dpi AS "renderDpi", b.stages::text[] AS stages
        FROM document_jobs d JOIN batch_jobs b ON b.id = d.batch_id
       WHERE d.id = ${documentId}::uuid`;
    return row;
  }

  async #handleFailure(
    document: StageDocument,
    claim: StageClaim,
    stage: Stage,
    error: unknown,
    signal: AbortSignal,
    shutdown: AbortSignal,
    durationMs: number,
  ): Promise<void> {
    const { checkpoints, lifecycle, logger, options } = this.#deps;
    if (error instanceof StaleAttemptError) {
      logger.warn({ documentId: document.id, stage, attempt: claim.attempt }, "discarded the result of a superseded attempt");
      return;
    }
    if (signal.aborted) {
      // Cancelled or shutting down: keep the stage claimable so retry/another worker resumes it.
      // The run was interrupted, not failed: it uses none of the stage's attempts.
      const cancelled = !shutdown.aborted;
      await checkpoints.release(claim, { code: cancelled ? "CANCELLED" : "INTERRUPTED", message: String((signal.reason as Error)?.message ?? "aborted"), durationMs });
      if (!cancelled) await lifecycle.requeue(document.id, stage);
      return;
    }
    const failure = classifyFailure(error);
    // Counted from recorded failures, not from claims: runs cut short by a stop or a dead
    // worker were claimed too, and must not use up the budget.
    const failedAttempts = claim.failedAttempts + 1;
    const retrying = !failure.permanent && failedAttempts < options.maxAttempts;
    logger[failure.permanent ? "info" : "warn"](
      { err: failure.code === "STAGE_FAILED" ? error : undefined, documentId: document.id, stage, attempt: claim.attempt, failedAttempts, code: failure.code, retrying },
      "stage failed",
    );
    const recorded = await checkpoints.fail(claim, { ...failure, retrying, durationMs });
    if (!recorded) return;
    if (retrying) {
      const delay = backoffDelayMs(failedAttempts, options.backoffBaseMs, options.backoffMaxMs);
      await lifecycle.requeue(document.id, stage, new Date(Date.now() + delay));
      return;
    }
    this.#publish(document.batchId, { kind: "STAGE_FAILED", documentId: document.id, stage, status: "FAILED" });
    await lifecycle.finishDocument(document.id, "FAILED", { code: failure.code, message: failure.message });
  }

  #stageContext(document: StageDocument, claim: StageContext["claim"], signal: AbortSignal): StageContext {
    const { checkpoints } = this.#deps;
    let bytes: Promise<Uint8Array> | undefined;
    return {
      deps: this.#deps,
      claim,
      document,
      signal,
      logger: this.#deps.logger.child({ documentId: document.id, stage: claim.stage }),
      bytes: () => (bytes ??= this.#deps.uploads.readDocument(document.id)),
      reportPages: async (done, total) => {
        // Progress only: what resumes a page-level stage is the pages table, so the checkpoint's
        // count is written at the progress events' pace rather than once a page (a round trip
        // per page on the parent's event loop, as many as the page results themselves).
        if (done !== total && !this.#throttle.tryAcquire(document.id)) return;
        await checkpoints.setPages(claim, done, total);
        this.#publish(document.batchId, { kind: "PAGE_PROGRESS", documentId: document.id, stage: claim.stage, pagesDone: done, pagesTotal: total });
      },
    };
  }

  #publish(batchId: string, event: BatchEventInput): void {
    publishBatchEvent(this.#deps.events, batchId, event);
  }
}
