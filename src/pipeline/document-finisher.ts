import type { PrismaClient } from "../db/prisma-client.ts";
import type { EventBus } from "../events/pubsub.ts";
import type { BatchStatus } from "../generated/prisma/enums.ts";
import type { Logger } from "../logging/logger.ts";

export interface DocumentFinisherDeps {
  prisma: PrismaClient;
  events: EventBus;
  logger: Logger;
  startDocument(documentId: string): Promise<void>;
}

const TERMINAL = ["COMPLETED", "FAILED", "CANCELLED"] as const;

/**
 * What happens when a document reaches a terminal state: its dependents start (or fail),
 * FAIL_ALL cancels the rest of the batch, and the batch's status and counts are settled
 * under a row lock so documents finishing together agree on the result.
 */
export class DocumentFinisher {
  readonly #deps: DocumentFinisherDeps;

  constructor(deps: DocumentFinisherDeps) {
    this.#deps = deps;
  }

  async finish(documentId: string, status: "COMPLETED" | "FAILED" | "CANCELLED", error?: { code: string; message: string }): Promise<void> {
    const { prisma } = this.#deps;
    const updated = await prisma.documentJob.updateMany({
      where: { id: documentId, status: { notIn: [...TERMINAL] } },
      data: { status, finishedAt: new Date(), errorCode: error?.code ?? null, errorMessage: error?.message ?? null },
    });
    if (updated.count === 0) return;
    const document = await prisma.documentJob.findUniqueOrThrow({
      where: { id: documentId },
      select: { batchId: true, batch: { select: { errorStrategy: true } } },
    });
    this.#publish(document.batchId, { kind: "DOCUMENT_FINISHED", documentId, status });

    if (status === "FAILED" && document.batch.errorStrategy === "FAIL_ALL") {
      await this.cancelRemaining(document.batchId, { code: "BATCH_FAILED", message: "Another document of this FAIL_ALL batch failed." });
    }
    await this.#releaseDependents(document.batchId, documentId, status);
    await this.settleBatch(document.batchId);
  }

  /** Cancels every document of the batch that has not finished yet. */
  async cancelRemaining(batchId: string, reason: { code: string; message: string }): Promise<string[]> {
    const { prisma } = this.#deps;
    const open = await prisma.documentJob.findMany({
      where: { batchId, status: { notIn: [...TERMINAL] } },
      select: { id: true },
    });
    await prisma.documentJob.updateMany({
      where: { id: { in: open.map((row) => row.id) }, status: { notIn: [...TERMINAL] } },
      data: { status: "CANCELLED", finishedAt: new Date(), errorCode: reason.code, errorMessage: reason.message },
    });
    for (const row of open) this.#publish(batchId, { kind: "DOCUMENT_FINISHED", documentId: row.id, status: "CANCELLED" });
    return open.map((row) => row.id);
  }

  async #releaseDependents(batchId: string, documentId: string, status: string): Promise<void> {
    const { prisma } = this.#deps;
    const dependents = await prisma.documentJob.findMany({
      where: { batchId, dependsOn: { has: documentId }, status: "QUEUED" },
      select: { id: true, dependsOn: true },
    });
    for (const dependent of dependents) {
      if (status !== "COMPLETED") {
        await this.finish(dependent.id, "FAILED", {
          code: "DEPENDENCY_FAILED",
          message: "A document this one depends on did not complete.",
        });
        continue;
      }
      const unfinished = await prisma.documentJob.count({
        where: { id: { in: dependent.dependsOn }, status: { not: "COMPLETED" } },
      });
      if (unfinished === 0) await this.#deps.startDocument(dependent.id);
    }
  }

  /** Recomputes the batch's terminal status once no document is left running. */
  async settleBatch(batchId: string): Promise<BatchStatus | undefined> {
    const { prisma } = this.#deps;
    const status = await prisma.$transaction(async (tx) => {
      const [batch] = await tx.$queryRaw<{ status: BatchStatus; error_strategy: string }[]>`
        SELECT status, error_strategy FROM batch_jobs WHERE id = ${batchId}::uuid FOR UPDATE`;
      if (!batch || ["COMPLETED", "PARTIAL", "FAILED", "CANCELLED"].includes(batch.status)) return undefined;
      const counts = await tx.documentJob.groupBy({ by: ["status"], where: { batchId }, _count: { _all: true } });
      const count = (name: string) => counts.find((row) => row.status === name)?._count._all ?? 0;
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
    if (status) this.#publish(batchId, { kind: "BATCH_STATUS", status });
    return status;
  }

  #publish(batchId: string, message: { kind: "DOCUMENT_FINISHED" | "BATCH_STATUS"; documentId?: string; status: string }): void {
    this.#deps.events.publish("batch", batchId, { ...message, batchId, at: new Date().toISOString() });
  }
}
