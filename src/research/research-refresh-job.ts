import { z } from "zod";
import type { BatchChangeListener } from "../batches/batch-lifecycle.ts";
import { publishBatchEvent, type EventBus } from "../events/pubsub.ts";
import { defineJob, type JobDefinition } from "../jobs/job-definition.ts";
import type { JobQueue } from "../jobs/job-queue.ts";
import type { Logger } from "../logging/logger.ts";
import { expandStages } from "../pipeline/stage-order.ts";
import type { ResearchReadStore } from "./research-read-store.ts";
import type { ResearchResults } from "./research-results.ts";

export const RESEARCH_REFRESH_JOB = "research.refresh";
const payload = z.object({ batchId: z.uuid() });
export type ResearchRefreshPayload = z.infer<typeof payload>;

export interface ResearchRefreshDeps {
  computed: ResearchResults;
  store: Pick<ResearchReadStore, "batchPlan">;
  events: EventBus;
  logger: Logger;
}

/**
 * Brings a batch's stored entity clusters and topics up to date with its finished documents.
 * Research is a by-product of the batch, so a failure here never fails anything else: it is
 * logged, published as RESEARCH_FAILED, and left to the next refresh or to the next read
 * (which computes a stale result itself). Running twice is harmless: a refresh whose
 * fingerprint already matches computes nothing, and a retry's new attempts change it.
 */
export function createResearchRefreshJob(deps: ResearchRefreshDeps): JobDefinition<ResearchRefreshPayload> {
  return defineJob({
    name: RESEARCH_REFRESH_JOB,
    payload,
    run: async ({ batchId }, { signal }) => {
      const batch = await deps.store.batchPlan(batchId);
      // Gone, or a batch whose documents never reach the stages research is built from.
      if (!batch || !expandStages(batch.stages).some((stage) => stage === "CITATIONS" || stage === "EMBED")) return;
      try {
        const started = performance.now();
        const computed = await deps.computed.refresh(batchId, batch.userId, signal);
        if (computed) deps.logger.info({ batchId, ms: Math.round(performance.now() - started) }, "research results refreshed");
        publishBatchEvent(deps.events, batchId, { kind: "RESEARCH_UPDATED" });
      } catch (error) {
        deps.logger.warn({ batchId, error: error instanceof Error ? error.message : String(error) }, "research refresh failed; reads will compute it");
        publishBatchEvent(deps.events, batchId, { kind: "RESEARCH_FAILED" });
      }
    },
  });
}

/** How often documents finishing may refresh a running batch's research (its end always does). */
export const RESEARCH_REFRESH_THROTTLE_MS = 60_000;

/**
 * Schedules refreshes from the batch lifecycle. While documents finish, at most one refresh per
 * throttle window (the job key keeps the first one's run time); when the batch ends, one now
 * (replacing any refresh still waiting for its window).
 */
export function researchRefreshScheduler(queue: Pick<JobQueue, "enqueue">, job: JobDefinition<ResearchRefreshPayload>, throttleMs = RESEARCH_REFRESH_THROTTLE_MS): BatchChangeListener {
  const jobKey = (batchId: string) => `research:${batchId}`;
  return {
    documentFinished: (batchId) =>
      queue.enqueue(job, { batchId }, { jobKey: jobKey(batchId), jobKeyMode: "preserve_run_at", runAt: new Date(Date.now() + throttleMs) }),
    batchEnded: (batchId) => queue.enqueue(job, { batchId }, { jobKey: jobKey(batchId) }),
  };
}
