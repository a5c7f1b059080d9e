import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../db/prisma-client.ts";
import { InvalidInputError, NotFoundError, QuotaExceededError } from "../errors/domain-errors.ts";
import type { ErrorStrategy, Priority, Stage } from "../generated/prisma/enums.ts";
import type { Logger } from "../logging/logger.ts";
import { expandStages } from "../pipeline/stage-order.ts";
import type { BatchLifecycle } from "./batch-lifecycle.ts";
import { plainText } from "../uploads/display-text.ts";
import { UploadStore } from "../uploads/upload-store.ts";
import { discardAll, stageBatchFiles, type BatchFile } from "./batch-ingest.ts";
import { planDependencies, type DependencyInput } from "./dependency-plan.ts";

export interface BatchOptions {
  errorStrategy?: ErrorStrategy;
  priority?: Priority;
  renderDpi?: number;
  stages?: Stage[];
  dependencies?: DependencyInput[];
  label?: string | null;
}

export interface BatchServiceDeps {
  prisma: PrismaClient;
  lifecycle: BatchLifecycle;
  uploads: UploadStore;
  logger: Logger;
  limits: { maxFiles: number; maxFileBytes: number; maxConcurrentBatchesPerUser: number };
}

const ACTIVE = ["QUEUED", "RUNNING"] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function notFound(what: string): NotFoundError {
  return new NotFoundError(what);
}

/**
 * Batches of documents: creation (validated before anything is stored), cancel and retry.
 * Every read and write is scoped to the owner; another user's ids behave as unknown ids.
 */
export class BatchService {
  readonly #deps: BatchServiceDeps;

  constructor(deps: BatchServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Creates a batch of `files` (stored as their request streamed in, or plain Files): every
   * file is checked first, and on any refusal or failure no upload is kept.
   */
  async createBatch(userId: string, files: BatchFile[], options: BatchOptions = {}) {
    const uploads = await stageBatchFiles(this.#deps.uploads, files, this.#deps.limits);
    try {
      return await this.#createBatch(userId, uploads, options);
    } catch (error) {
      await discardAll(uploads);
      throw error;
    }
  }

  async #createBatch(userId: string, uploads: Awaited<ReturnType<typeof stageBatchFiles>>, options: BatchOptions) {
    const { prisma, limits } = this.#deps;
    const renderDpi = options.renderDpi ?? 150;
    if (!Number.isInteger(renderDpi) || renderDpi < 36 || renderDpi > 600) {
      throw new InvalidInputError("renderDpi must be a whole number from 36 to 600.");
    }
    if (options.label && options.label.length > 200) {
      throw new InvalidInputError("label is longer than 200 characters.");
    }
    const active = await prisma.batchJob.count({ where: { userId, status: { in: [...ACTIVE] } } });
    if (active >= limits.maxConcurrentBatchesPerUser) {
      throw new QuotaExceededError(`You already have ${active} batches running; the limit is ${limits.maxConcurrentBatchesPerUser}.`);
    }

    const documents = uploads.map((upload, index) => ({
      id: randomUUID(),
      filename: plainText(upload.name || `document-${index + 1}.pdf`, 255),
      upload,
    }));
    const dependencies = (options.dependencies ?? []).map((dependency) => ({
      filename: plainText(dependency.filename, 255),
      dependsOn: dependency.dependsOn.map((name) => plainText(name, 255)),
    }));
    const dependsOn = planDependencies(documents, dependencies);
    const stages = expandStages(options.stages);
    const batchId = randomUUID();

    await prisma.$transaction(async (tx) => {
      await tx.batchJob.create({
        data: {
          id: batchId,
          userId,
          label: options.label ? plainText(options.label, 200) : null,
          errorStrategy: options.errorStrategy ?? "CONTINUE",
          priority: options.priority ?? "NORMAL",
          renderDpi,
          stages: options.stages?.length ? stages : [],
        },
      });
      await tx.documentJob.createMany({
        data: documents.map((document) => ({
          id: document.id,
          batchId,
          userId,
          filename: document.filename,
          sizeBytes: document.upload.size,
          sha256: document.upload.sha256,
          dependsOn: dependsOn.get(document.id) ?? [],
        })),
      });
      await UploadStore.adopt(tx, documents.map((document) => ({ documentId: document.id, oid: document.upload.oid })));
      await tx.checkpoint.createMany({
        data: documents.flatMap((document) => stages.map((stage) => ({ documentId: document.id, stage }))),
      });
      // The jobs commit with the rows: a crash can never leave documents without work queued.
      await this.#deps.lifecycle.startBatch(
        tx,
        stages,
        documents.map((document) => ({ id: document.id, dependsOn: dependsOn.get(document.id) ?? [] })),
      );
    });
    for (const document of documents) document.upload.markAdopted();
    this.#deps.logger.info({ batchId, userId, documents: documents.length }, "batch created");
    return this.getBatch(userId, batchId);
  }

  async findBatch(userId: string, batchId: string) {
    if (!UUID.test(batchId)) return null;
    return this.#deps.prisma.batchJob.findFirst({ where: { id: batchId, userId } });
  }

  /** The caller's batch; NOT_FOUND for unknown ids and for other users' batches alike. */
  async getBatch(userId: string, batchId: string) {
    const batch = await this.findBatch(userId, batchId);
    if (!batch) throw notFound("Batch");
    return batch;
  }

  async findDocument(userId: string, documentId: string) {
    if (!UUID.test(documentId)) return null;
    return this.#deps.prisma.documentJob.findFirst({ where: { id: documentId, userId } });
  }

  /** Queued documents never start; running ones see the cancel within a second and stop. */
  async cancelBatch(userId: string, batchId: string) {
    await this.getBatch(userId, batchId);
    await this.#deps.lifecycle.cancel(batchId);
    return this.getBatch(userId, batchId);
  }

  /** Re-runs FAILED and CANCELLED documents from their last completed checkpoint. */
  async retryBatch(userId: string, batchId: string) {
    await this.getBatch(userId, batchId);
    await this.#deps.lifecycle.retry(batchId);
    return this.getBatch(userId, batchId);
  }
}
