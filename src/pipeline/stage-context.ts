import type Bottleneck from "bottleneck";
import type { PrismaClient } from "../db/prisma-client.ts";
import type { Logger } from "../logging/logger.ts";
import type { RenderPool } from "../pdf/render-pool.ts";
import type { ModelGateway } from "../providers/provider-types.ts";
import type { TextWork } from "../text-work/text-work-pool.ts";
import type { CheckpointStore, StageClaim } from "./checkpoint-store.ts";
import type { ChunkStore } from "./chunk-store.ts";
import type { PageStore } from "./page-store.ts";

/** What the pipeline's stages are built from; one set per process. */
export interface PipelineDeps {
  prisma: PrismaClient;
  checkpoints: CheckpointStore;
  pages: PageStore;
  chunks: ChunkStore;
  renderPool: RenderPool;
  /** CPU-heavy text work (layout, cleaning, summaries, chunking), off the event loop. */
  textWork: TextWork;
  gateway: ModelGateway;
  /** Weighted by estimated MB: large renders wait instead of exhausting memory. */
  memoryBudget: Bottleneck;
  /** Pages of one document in flight at once within a page-level stage. */
  pageConcurrency: number;
}

export interface StageDocument {
  id: string;
  batchId: string;
  userId: string;
  filename: string;
  sha256: string;
  pageCount: number | null;
  renderDpi: number;
}

/** Everything one run of one stage of one document sees. */
export interface StageContext {
  deps: PipelineDeps;
  claim: StageClaim;
  document: StageDocument;
  /** Aborted on cancel, shutdown, or when the claim is lost. */
  signal: AbortSignal;
  logger: Logger;
  /** The uploaded bytes, loaded once per stage run. */
  bytes(): Promise<Uint8Array>;
  /** Records page progress (checkpoint row and throttled progress event). */
  reportPages(done: number, total: number): Promise<void>;
}

export interface StageResult {
  output?: unknown;
  warnings?: string[];
}

export type StageHandler = (context: StageContext) => Promise<StageResult>;
