import type { PrismaClient } from "../../db/prisma-client.ts";
import type { EventBus } from "../../events/pubsub.ts";
import type { JobQueue } from "../../jobs/job-queue.ts";
import type { Logger } from "../../logging/logger.ts";
import type { ModelGatewayService } from "../../providers/model-gateway.ts";
import { advanceJobKey, createPromptBatchAdvanceJob } from "./prompt-batch-advance.ts";
import { PromptBatchJobService } from "./prompt-batch-job-service.ts";
import { PromptBatchJobStore } from "./prompt-batch-job-store.ts";

/**
 * Builds the prompt batch service and its advance job. The caller registers the job on the
 * queue (worker processes only) before starting it.
 */
export function createPromptBatches(deps: {
  prisma: PrismaClient;
  queue: JobQueue;
  gateway: ModelGatewayService;
  events: EventBus;
  logger: Logger;
  pollMs: number;
}) {
  const store = new PromptBatchJobStore(deps.prisma);
  const job = createPromptBatchAdvanceJob({
    store,
    events: deps.events,
    logger: deps.logger,
    prices: deps.gateway.prices,
    clientFor: (provider) => deps.gateway.batchClient(provider),
    schedule: (jobId, runAt) => deps.queue.enqueue(job, { jobId }, { jobKey: advanceJobKey(jobId), runAt }),
    pollMs: deps.pollMs,
    defaultMaxOutputTokens: 1024,
  });
  const service = new PromptBatchJobService({
    store,
    prices: deps.gateway.prices,
    resolveChat: (provider, model) => deps.gateway.resolveChat(provider, model),
    hasBatchApi: (provider) => deps.gateway.batchClient(provider) !== null,
    wake: (jobId) => deps.queue.enqueue(job, { jobId }, { jobKey: advanceJobKey(jobId) }),
  });
  return { job, service };
}
