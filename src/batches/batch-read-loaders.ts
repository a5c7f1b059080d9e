import DataLoader from "dataloader";
import type { PrismaClient } from "../db/prisma-client.ts";
import type { Checkpoint, DocumentJob } from "../generated/prisma/client.ts";
import type { Stage } from "../generated/prisma/enums.ts";
import { STAGES } from "../pipeline/stage-order.ts";
import { documentProgress } from "./batch-progress.ts";

/**
 * The reads behind BatchJob and DocumentJob fields, batched by id: whatever a request's list
 * sizes, each kind of row costs one query per level of the selection (`batches(first: 100)` with
 * counts, progress, documents and their stages: batches, documents, checkpoints, batch stages).
 *
 * One set per GraphQL operation. Loaders batch but do not cache (`cache: false`): a
 * subscription's context lives as long as its socket, and each event must read fresh rows.
 * Callers have already checked ownership (a batch or document reached through its owner).
 */
export interface BatchReadLoaders {
  /** A batch's documents, oldest first (then by filename). */
  documentsOfBatch: DataLoader<string, DocumentJob[]>;
  /** A document's checkpoints, in stage order. */
  checkpointsOfDocument: DataLoader<string, Checkpoint[]>;
  /** The stages a batch planned (empty: all). */
  stagesOfBatch: DataLoader<string, Stage[]>;
}

function grouped<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key)!);
}

export function createBatchReadLoaders(prisma: PrismaClient): BatchReadLoaders {
  const options = { cache: false } as const;
  return {
    documentsOfBatch: new DataLoader(async (batchIds) => {
      const rows = await prisma.documentJob.findMany({
        where: { batchId: { in: [...new Set(batchIds)] } },
        orderBy: [{ createdAt: "asc" }, { filename: "asc" }],
      });
      return grouped(batchIds, rows, (row) => row.batchId);
    }, options),
    checkpointsOfDocument: new DataLoader(async (documentIds) => {
      const rows = await prisma.checkpoint.findMany({ where: { documentId: { in: [...new Set(documentIds)] } } });
      rows.sort((a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage));
      return grouped(documentIds, rows, (row) => row.documentId);
    }, options),
    stagesOfBatch: new DataLoader(async (batchIds) => {
      const rows = await prisma.batchJob.findMany({ where: { id: { in: [...new Set(batchIds)] } }, select: { id: true, stages: true } });
      const stages = new Map(rows.map((row) => [row.id, row.stages]));
      return batchIds.map((id) => stages.get(id) ?? new Error(`Batch ${id} not found`));
    }, options),
  };
}

/** How many of a batch's documents are in each status (one query for all batches of the request). */
export async function documentCounts(loaders: BatchReadLoaders, batchId: string) {
  const documents = await loaders.documentsOfBatch.load(batchId);
  return {
    total: documents.length,
    completed: documents.filter((document) => document.status === "COMPLETED").length,
    failed: documents.filter((document) => document.status === "FAILED").length,
  };
}

/** A document's progress (see documentProgress) through the loaders. */
export async function loadDocumentProgress(loaders: BatchReadLoaders, document: DocumentJob): Promise<number> {
  const [stages, checkpoints] = await Promise.all([loaders.stagesOfBatch.load(document.batchId), loaders.checkpointsOfDocument.load(document.id)]);
  return documentProgress(document.status, stages, checkpoints);
}

/** Batch progress weighted by pages (see batchProgress) through the loaders. */
export async function loadBatchProgress(loaders: BatchReadLoaders, batch: { id: string; stages: Stage[] }): Promise<number> {
  const documents = await loaders.documentsOfBatch.load(batch.id);
  const checkpoints = await loaders.checkpointsOfDocument.loadMany(documents.map((document) => document.id));
  let weighted = 0;
  let weights = 0;
  for (const [index, document] of documents.entries()) {
    const rows = checkpoints[index];
    if (rows instanceof Error) throw rows;
    const weight = Math.max(1, document.pageCount ?? 1);
    weighted += weight * documentProgress(document.status, batch.stages, rows ?? []);
    weights += weight;
  }
  return weights ? weighted / weights : 0;
}
