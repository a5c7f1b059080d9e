import Bottleneck from "bottleneck";
import { BatchLifecycle } from "./batches/batch-lifecycle.ts";
import { BatchService } from "./batches/batch-service.ts";
import type { Config } from "./config.ts";
import type { Database } from "./db/database.ts";
import { createEmbeddingFileJob, embeddingFileJobKey } from "./embeddings/embedding-file-job.ts";
import { EmbeddingJobService } from "./embeddings/embedding-job-service.ts";
import { CostEstimateService } from "./estimates/cost-estimate-service.ts";
import { createEventBus, type EventBus } from "./events/pubsub.ts";
import { JobQueue } from "./jobs/job-queue.ts";
import { shutdownSteps } from "./lifecycle/shutdown-steps.ts";
import { WorkerReaper } from "./jobs/worker-reaper.ts";
import type { Logger } from "./logging/logger.ts";
import { RenderPool } from "./pdf/render-pool.ts";
import { CheckpointStore } from "./pipeline/checkpoint-store.ts";
import { ChunkStore } from "./pipeline/chunk-store.ts";
import { DocumentStore } from "./pipeline/document-store.ts";
import { PageStore } from "./pipeline/page-store.ts";
import { PipelineService } from "./pipeline/pipeline-service.ts";
import { StageQueue } from "./pipeline/stage-queue.ts";
import { createModelGateway, type ModelGatewayService } from "./providers/model-gateway.ts";
import { PrismaCallLedger } from "./providers/prisma-call-ledger.ts";
import { PrismaResponseCache } from "./providers/prisma-response-cache.ts";
import { providerOptionsFromConfig } from "./providers/provider-config.ts";
import { createPromptBatches } from "./generation/batch-api/prompt-batch-wiring.ts";
import type { PromptBatchJobService } from "./generation/batch-api/prompt-batch-job-service.ts";
import { resolveProviderOptions } from "./providers/provider-options.ts";
import { UsageService } from "./providers/usage-service.ts";
import { UsageStore } from "./providers/usage-store.ts";
import { ResearchResultStore } from "./research/research-result-store.ts";
import { ResearchReadStore } from "./research/research-read-store.ts";
import { createResearchRefreshJob, researchRefreshScheduler } from "./research/research-refresh-job.ts";
import { ResearchResults } from "./research/research-results.ts";
import { ResearchService } from "./research/research-service.ts";
import { createOffloadedLocalAdapter } from "./text-work/offloaded-local-adapter.ts";
import { TextWorkPool } from "./text-work/text-work-pool.ts";
import { UploadStore } from "./uploads/upload-store.ts";

/** The domain services of a running app (beyond config, logger, database and health). */
export interface DomainServices {
  events: EventBus;
  queue: JobQueue;
  gateway: ModelGatewayService;
  renderPool: RenderPool;
  pipeline: PipelineService;
  batches: BatchService;
  /** Uploaded bytes (PostgreSQL large objects), written as multipart bodies stream in. */
  uploads: UploadStore;
  /** Work left running after a request answered (embedFile jobs); stopped first. */
  embeddingJobs: EmbeddingJobService;
  research: ResearchService;
  /** Usage and cost from the call ledger. */
  usage: UsageService;
  /** Prompt batches through the providers' batch APIs. */
  promptBatches: PromptBatchJobService;
  /** Cost estimates of prompts and pipeline runs, before anything runs. */
  costEstimates: CostEstimateService;
}

/**
 * Builds the event bus, the model gateway, the render pool, the job queue and the pipeline
 * on an open database, and starts the workers unless this is an API-only process.
 * `stop()` stops taking jobs first, then releases everything in reverse order.
 */
export async function startDomainServices(
  config: Config,
  logger: Logger,
  database: Database,
): Promise<{ services: DomainServices; stop(): Promise<void> }> {
  const { prisma } = database;
  const events = await createEventBus({
    transport: config.redisUrl ? { kind: "redis", url: config.redisUrl } : { kind: "postgres", connectionString: database.url },
    logger: logger.child({ component: "events" }),
  });
  const { pipeline: limits } = config;
  const textWork = new TextWorkPool({ threads: limits.textWorkers, nice: limits.workerNice });
  const providerOptions = providerOptionsFromConfig(config);
  const gateway = createModelGateway({
    options: providerOptions,
    cache: new PrismaResponseCache(prisma),
    ledger: new PrismaCallLedger(prisma),
    logger: logger.child({ component: "providers" }),
    // Local embeddings (and their token counts) on the text pool, off the event loop.
    adapters: { local: createOffloadedLocalAdapter(textWork, resolveProviderOptions(providerOptions).localEmbeddingDim) },
  });
  const renderPool = new RenderPool({
    size: limits.renderWorkers,
    maxPages: limits.maxPages,
    maxPixelsPerPage: limits.maxPixelsPerPage,
    pageTimeoutMs: limits.pageTimeoutMs,
    maxWorkerRssBytes: limits.renderWorkerMemoryMb * 1024 * 1024,
    // Every document in flight may have pages on every worker: room for all of them (and the
    // next one's VALIDATE), so none is evicted and parsed again mid-stage.
    documentCacheSize: Math.max(4, limits.maxConcurrentDocuments + 1),
    imageEncoding: { format: limits.pageImageFormat, quality: limits.pageImageQuality },
    nice: limits.workerNice,
  });
  const runsJobs = config.role !== "api";
  const queue = new JobQueue({
    databaseUrl: database.url,
    logger: logger.child({ component: "jobs" }),
    jobs: [],
    concurrency: limits.maxConcurrentDocuments,
  });
  const researchStore = new ResearchReadStore(prisma);
  const researchResults = new ResearchResults({ store: researchStore, results: new ResearchResultStore(prisma), gateway, textWork });
  const researchRefresh = createResearchRefreshJob({ computed: researchResults, store: researchStore, events, logger: logger.child({ component: "research" }) });
  if (runsJobs) queue.register(researchRefresh);
  const lifecycle = new BatchLifecycle({
    prisma,
    events,
    logger: logger.child({ component: "lifecycle" }),
    stages: new StageQueue(prisma),
    listener: researchRefreshScheduler(queue, researchRefresh),
  });
  const uploads = new UploadStore(prisma, database.url);
  const pipeline = new PipelineService({
    prisma,
    uploads,
    checkpoints: new CheckpointStore(prisma),
    pages: new PageStore(prisma),
    chunks: new ChunkStore(prisma),
    documents: new DocumentStore(prisma),
    renderPool,
    textWork,
    gateway,
    memoryBudget: new Bottleneck({ maxConcurrent: limits.memoryBudgetMb }),
    pageConcurrency: limits.pageConcurrency,
    lifecycle,
    events,
    logger: logger.child({ component: "pipeline" }),
    options: {
      maxAttempts: limits.stageMaxAttempts,
      backoffBaseMs: limits.stageBackoffMs,
      backoffMaxMs: 60_000,
      cancelPollMs: 500,
    },
  });
  if (runsJobs) queue.register(pipeline.job);
  const promptBatches = createPromptBatches({
    prisma,
    queue,
    gateway,
    events,
    logger: logger.child({ component: "prompt-batches" }),
    pollMs: config.providers.batchPollMs,
  });
  if (runsJobs) queue.register(promptBatches.job);
  // The reaper's id names this process in job rows; it exists before the queue starts.
  const reaper = new WorkerReaper({
    prisma,
    logger: logger.child({ component: "reaper" }),
    role: config.role,
    workerIds: () => queue.workerIds(),
    recoverOrphans: (graceMs) => lifecycle.recoverOrphans(graceMs),
    deadAfterMs: limits.workerDeadAfterMs,
  });
  const embeddingJobs = new EmbeddingJobService({
    prisma,
    events,
    logger: logger.child({ component: "embedding-jobs" }),
    limits: { maxConcurrentJobsPerUser: config.maxConcurrentEmbeddingJobsPerUser },
    processId: reaper.id,
  });
  const embeddingFileJob = createEmbeddingFileJob({
    store: embeddingJobs.store,
    uploads,
    events,
    gateway,
    logger: logger.child({ component: "embedding-jobs" }),
    processId: reaper.id,
    reschedule: (jobId) => queue.enqueue(embeddingFileJob, { jobId }, { jobKey: embeddingFileJobKey(jobId) }),
  });
  if (runsJobs) queue.register(embeddingFileJob);
  await queue.start();
  await reaper.start();
  // Uploads a crash cut off mid-request are never adopted: unlink those a day old (an upload
  // still arriving on another process is younger than that).
  const swept = await uploads.sweepAbandoned(new Date(Date.now() - 24 * 60 * 60 * 1000));
  if (swept > 0) logger.info({ swept }, "unlinked abandoned uploads");
  const batches = new BatchService({
    prisma,
    lifecycle,
    uploads,
    logger: logger.child({ component: "batches" }),
    limits: {
      maxFiles: config.maxFiles,
      maxFileBytes: config.maxFileBytes,
      maxConcurrentBatchesPerUser: config.maxConcurrentBatchesPerUser,
    },
  });
  const stopOrphanSweep = embeddingJobs.startOrphanSweep(limits.workerDeadAfterMs, Math.max(250, Math.floor(limits.workerDeadAfterMs / 4)));
  const research = new ResearchService({ store: researchStore, computed: researchResults, batches });

  return {
    services: {
      events,
      queue,
      gateway,
      renderPool,
      pipeline,
      batches,
      uploads,
      embeddingJobs,
      research,
      usage: new UsageService(new UsageStore(prisma)),
      promptBatches: promptBatches.service,
      costEstimates: new CostEstimateService({
        prisma,
        gateway,
        pageMaxOutputTokens: resolveProviderOptions(providerOptions).defaultMaxOutputTokens,
      }),
    },
    stop: async () => {
      const steps = shutdownSteps();
      await steps.run("embedding orphan sweep", () => stopOrphanSweep());
      await steps.run("job queue", () => queue.stop());
      await steps.run("worker reaper", () => reaper.stop());
      await steps.run("render pool", () => renderPool.close());
      await steps.run("model gateway", () => gateway.close());
      // After the gateway: its local embeddings run on the text pool.
      await steps.run("text pool", () => textWork.close());
      await steps.run("event bus", () => events.close());
      await steps.run("upload store", () => uploads.close());
      steps.finish();
    },
  };
}
