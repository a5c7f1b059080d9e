import { z } from "zod";
import type { EventBus } from "../events/pubsub.ts";
import { createProgressThrottle } from "../events/progress-throttle.ts";
import type { Stage } from "../generated/prisma/enums.ts";
import { defineJob, type JobDefinition } from "../jobs/job-definition.ts";
import type { JobQueue } from "../jobs/job-queue.ts";
import type { Logger } from "../logging/logger.ts";
import { DocumentFinisher } from "./document-finisher.ts";
import { backoffDelayMs, classifyFailure } from "./failure-classification.ts";
import { STAGE_HANDLERS } from "./stage-handlers.ts";
import type { PipelineDeps, StageContext, StageDocument } from "./stage-context.ts";
import { expandStages, STAGES } from "./stage-order.ts";
import type { UploadStore } from "../uploads/upload-store.ts";
import { StaleAttemptError } from "./stale-attempt-error.ts";

export interface PipelineOptions {
  /** Attempts of one stage before the document fails. */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How often a running stage checks whether its document was cancelled. */
  cancelPollMs: number;
}

export interface PipelineServiceDeps extends PipelineDeps {
  /** Where each document's uploaded bytes are read from. */
  uploads: Pick<UploadStore, "readDocument">;
  queue: JobQueue;
  events: EventBus;
  logger: Logger;
  options: PipelineOptions;
}

const stagePayload = z.object({ documentId: z.uuid(), stage: z.enum(STAGES as [Stage, ...Stage[]]) });
type StagePayload = z.infer<typeof stagePayload>;

const PRIORITY_BASE = { CRITICAL: 0, HIGH: 1000, NORMAL: 2000, LOW: 3000 } as const;

/**
 * Runs documents through their stages, one queued job per (document, stage). Each run
 * claims its checkpoint (bumping the attempt that fences every write), works under an abort
 * signal that fires on cancel or shutdown, commits, and enqueues the next stage.
 */
export class PipelineService {
  readonly #deps: PipelineServiceDeps;
  readonly #finisher: DocumentFinisher;
  readonly #throttle = createProgressThrottle(100);
  readonly job: JobDefinition<StagePayload>;

  constructor(deps: PipelineServiceDeps) {
    this.#deps = deps;
    this.#finisher = new DocumentFinisher({ ...deps, startDocument: (id) => this.startDocument(id) });
    this.job = defineJob({
      name: "pipeline.stage",
      payload: stagePayload,
      run: (payload, context) => this.runStage(payload, context.signal),
    });
  }

  /** Enqueues the first stage still to do for a document (used at upload, retry, dependency release). */
  async startDocument(documentId: string): Promise<void> {
    const document = await this.#deps.prisma.documentJob.findUnique({
      where: { id: documentId },
      include: { batch: { select: { stages: true } }, checkpoints: { select: { stage: true, status: true } } },
    });
    if (!document) return;
    const done = new Set(document.checkpoints.filter((c) => c.status === "COMPLETED").map((c) => c.stage));
    const next = expandStages(document.batch.stages).find((stage) => !done.has(stage));
    if (next) await this.#enqueue(documentId, next);
    else await this.#finisher.finish(documentId, "COMPLETED");
  }

  async #enqueue(documentId: string, stage: Stage, runAt?: Date): Promise<void> {
    const document = await this.#deps.prisma.documentJob.findUniqueOrThrow({
      where: { id: documentId },
      select: { pageCount: true, sizeBytes: true, batch: { select: { priority: true } } },
    });
    // Priority first, then smaller documents first (pages when known, else size).
    const size = document.pageCount ?? Math.ceil(document.sizeBytes / 100_000);
    await this.#deps.queue.enqueue(this.job, { documentId, stage }, {
      priority: PRIORITY_BASE[document.batch.priority] + Math.min(999, size),
      jobKey: `stage:${documentId}:${stage}`,
      runAt,
    });
  }

  /** One run of one stage (the job handler). */
  async runStage({ documentId, stage }: StagePayload, shutdown: AbortSignal): Promise<void> {
    const { prisma, checkpoints, logger } = this.#deps;
    const row = await prisma.documentJob.findUnique({
      where: { id: documentId },
      include: { batch: { select: { stages: true, renderDpi: true, status: true } } },
    });
    if (!row || ["COMPLETED", "FAILED", "CANCELLED"].includes(row.status)) return;
    const plan = expandStages(row.batch.stages);
    if (!plan.includes(stage)) return;
    const claim = await checkpoints.claim(documentId, stage);
    if (!claim) {
      // Already completed (a duplicate delivery): make sure the document moves on.
      const next = plan[plan.indexOf(stage) + 1];
      if (next) await this.#enqueue(documentId, next);
      else await this.#finisher.finish(documentId, "COMPLETED");
      return;
    }

    const now = new Date();
    await prisma.documentJob.update({
      where: { id: documentId },
      data: { status: "RUNNING", currentStage: stage, startedAt: row.startedAt ?? now },
    });
    await prisma.batchJob.updateMany({ where: { id: row.batchId, status: "QUEUED" }, data: { status: "RUNNING", startedAt: now } });
    this.#publish(row.batchId, { kind: "STAGE_STARTED", documentId, stage, status: "RUNNING" });

    const document: StageDocument = {
      id: row.id,
      batchId: row.batchId,
      userId: row.userId,
      filename: row.filename,
      sha256: row.sha256,
      pageCount: row.pageCount,
      renderDpi: row.batch.renderDpi,
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
      const next = plan[plan.indexOf(stage) + 1];
      if (next) await this.#enqueue(documentId, next);
      else await this.#finisher.finish(documentId, "COMPLETED");
    } catch (error) {
      await this.#handleFailure(document, claim, stage, error, abort.signal, shutdown, performance.now() - started);
    } finally {
      clearInterval(watchdog);
      shutdown.removeEventListener("abort", onShutdown);
      this.#throttle.forget(documentId);
      logger.debug({ documentId, stage, attempt: claim.attempt }, "stage run ended");
    }
  }

  async #handleFailure(
    document: StageDocument,
    claim: { documentId: string; stage: Stage; attempt: number },
    stage: Stage,
    error: unknown,
    signal: AbortSignal,
    shutdown: AbortSignal,
    durationMs: number,
  ): Promise<void> {
    const { checkpoints, logger, options } = this.#deps;
    if (error instanceof StaleAttemptError) {
      logger.warn({ documentId: document.id, stage, attempt: claim.attempt }, "discarded the result of a superseded attempt");
      return;
    }
    if (signal.aborted) {
      // Cancelled or shutting down: keep the stage claimable so retry/another worker resumes it.
      const cancelled = !shutdown.aborted;
      await checkpoints.fail(claim, { code: cancelled ? "CANCELLED" : "INTERRUPTED", message: String((signal.reason as Error)?.message ?? "aborted"), retrying: true, durationMs });
      if (!cancelled) await this.#enqueue(document.id, stage);
      return;
    }
    const failure = classifyFailure(error);
    const retrying = !failure.permanent && claim.attempt < options.maxAttempts;
    logger[failure.permanent ? "info" : "warn"](
      { err: failure.code === "STAGE_FAILED" ? error : undefined, documentId: document.id, stage, attempt: claim.attempt, code: failure.code, retrying },
      "stage failed",
    );
    const recorded = await checkpoints.fail(claim, { ...failure, retrying, durationMs });
    if (!recorded) return;
    if (retrying) {
      const delay = backoffDelayMs(claim.attempt, options.backoffBaseMs, options.backoffMaxMs);
      await this.#enqueue(document.id, stage, new Date(Date.now() + delay));
      return;
    }
    this.#publish(document.batchId, { kind: "STAGE_FAILED", documentId: document.id, stage, status: "FAILED" });
    await this.#finisher.finish(document.id, "FAILED", { code: failure.code, message: failure.message });
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
      bytes: () =>
(bytes ??= this.#deps.uploads.readDocument(document.id)),
      reportPages: async (done, total) => {
        await checkpoints.setPages(claim, done, total);
        if (done === total || this.#throttle.tryAcquire(document.id)) {
          this.#publish(document.batchId, { kind: "PAGE_PROGRESS", documentId: document.id, stage: claim.stage, pagesDone: done, pagesTotal: total });
        }
      },
    };
  }

  #publish(batchId: string, message: Omit<Parameters<EventBus["publish"]>[2], "batchId" | "at">): void {
    this.#deps.events.publish("batch", batchId, { ...message, batchId, at: new Date().toISOString() } as never);
  }
}
