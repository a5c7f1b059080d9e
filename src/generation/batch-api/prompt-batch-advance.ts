import { z } from "zod";
import type { EventBus } from "../../events/pubsub.ts";
import { defineJob } from "../../jobs/job-definition.ts";
import type { JobDefinition } from "../../jobs/job-definition.ts";
import type { Logger } from "../../logging/logger.ts";
import type { BatchClient, BatchRequest, BatchResult, RemoteBatch } from "../../providers/batch/batch-client.ts";
import type { PriceTable } from "../../providers/price-table.ts";
import { ProviderError } from "../../providers/provider-types.ts";
import type { ProviderName } from "../../providers/provider-types.ts";
import { FINISHED_STATUSES } from "./prompt-batch-job-store.ts";
import type { ItemOutcome, PromptBatchJob, PromptBatchJobStore, PromptBatchStatus } from "./prompt-batch-job-store.ts";

/** The graphile-worker task that moves one prompt batch job forward. */
export const ADVANCE_TASK = "prompt-batch.advance";

/** The advance job's payload, validated when enqueued and when run. */
export const advancePayload = z.object({ jobId: z.uuid() });

/** One pending advance per prompt batch job. */
export function advanceJobKey(jobId: string): string {
  return `prompt-batch:${jobId}`;
}

/** What the advance job needs. */
export interface PromptBatchAdvanceDeps {
  store: PromptBatchJobStore;
  events: EventBus;
  logger: Pick<Logger, "warn" | "error">;
  prices: PriceTable;
  /** The batch client of a provider, or null when it has no batch API or is not configured. */
  clientFor(provider: ProviderName): BatchClient | null;
  /** Enqueues the next advance of `jobId` at `runAt` (one pending advance per job). */
  schedule(jobId: string, runAt: Date): Promise<void>;
  /** Base delay between polls; it grows 1.5x per poll up to 60x the base. */
  pollMs: number;
  /** Output cap of prompts that set none. */
  defaultMaxOutputTokens: number;
  /** Waits shorter than this happen inside the job rather than through the queue's scheduler. */
  inlineWaitMs?: number;
}

/** Consecutive failed polls (provider unreachable) before the job fails. */
const MAX_POLL_FAILURES = 30;

const TERMINAL: Record<Exclude<RemoteBatch["status"], "running">, { status: PromptBatchStatus; leftover: { code: string; message: string } }> = {
  completed: { status: "COMPLETED", leftover: { code: "PROVIDER_NO_RESULT", message: "The provider returned no result for this prompt" } },
  failed: { status: "FAILED", leftover: { code: "BATCH_FAILED", message: "The provider failed the batch" } },
  expired: { status: "EXPIRED", leftover: { code: "BATCH_EXPIRED", message: "The batch expired before this prompt was answered" } },
  cancelled: { status: "CANCELLED", leftover: { code: "CANCELLED", message: "The batch was cancelled before this prompt was answered" } },
};

/**
 * Builds the advance job: submit (upload, then create the provider batch, reusing either when
 * a previous run got that far), then poll with backoff until the provider batch ends, then
 * store every result by custom_id and finish. Short waits are slept inside the job (aborted
 * on shutdown, which re-enqueues); long ones go back to the queue with a run time, so a
 * restart, on any worker, resumes polling where the database says the job is.
 */
export function createPromptBatchAdvanceJob(deps: PromptBatchAdvanceDeps): JobDefinition<{ jobId: string }> {
  const inlineWaitMs = deps.inlineWaitMs ?? 2_000;

  function delayAfter(polls: number): number {
    return Math.round(Math.min(deps.pollMs * 1.5 ** polls, deps.pollMs * 60));
  }

  function publish(job: PromptBatchJob) {
    deps.events.publish("promptBatch", job.id, {
      jobId: job.id,
      status: job.status,
      completed: job.completed,
      failed: job.failed,
      total: job.total,
      done: FINISHED_STATUSES.includes(job.status),
      at: new Date().toISOString(),
    });
  }

  async function failJob(job: PromptBatchJob, code: string, message: string) {
    await deps.store.finish(job.id, { status: "FAILED", errorCode: code, error: message }, [], { code, message }, () => {
      throw new Error("no ledger rows for a failed submission");
    });
    const after = await deps.store.find(job.id);
    if (after) publish(after);
  }

  async function submit(job: PromptBatchJob, client: BatchClient): Promise<void> {
    const items = await deps.store.items(job.id);
    const requests: BatchRequest[] = items.map((item) => ({
      customId: `quire-${item.index}`,
      model: job.model,
      system: item.system,
      prompt: item.prompt,
      temperature: item.temperature,
      maxOutputTokens: item.maxTokens ?? deps.defaultMaxOutputTokens,
    }));
    const existing = job.providerBatchId ?? (await client.findByTag(job.id));
    if (existing) return deps.store.setSubmitted(job.id, existing);
    const uploadId = job.inputFileId ?? (await client.upload(job.id, requests));
    const kept = uploadId ? await deps.store.setInputFile(job.id, uploadId) : null;
    await deps.store.setSubmitted(job.id, await client.create(job.id, kept, requests));
  }

  async function collect(job: PromptBatchJob, client: BatchClient, remote: RemoteBatch["status"]): Promise<void> {
    const terminal = TERMINAL[remote as keyof typeof TERMINAL];
    const results = await client.results(job.providerBatchId!);
    const outcomes = results.flatMap((result) => toOutcome(job, result));
    await deps.store.finish(job.id, { status: terminal.status, errorCode: null, error: null }, outcomes, terminal.leftover, (item) => ({
      kind: "generate",
      purpose: "generation.prompt-batch",
      userId: job.userId,
      subjectId: job.id,
      provider: job.provider as ProviderName,
      model: job.model,
      inputTokens: item.inputTokens,
      outputTokens: item.outputTokens,
      cachedInputTokens: 0,
      costUsd: item.costUsd,
      priced: deps.prices.priceOf(job.provider as ProviderName, job.model) !== null,
      latencyMs: 0,
      cacheHit: false,
      attempts: 1,
      errorCode: item.success ? null : "PROVIDER_BAD_REQUEST",
      startedAt: job.createdAt,
    }));
  }

  function toOutcome(job: PromptBatchJob, result: BatchResult): ItemOutcome[] {
    const index = Number(/^quire-(\d+)$/.exec(result.customId)?.[1] ?? NaN);
    if (!Number.isInteger(index) || index < 0 || index >= job.total) return [];
    if (!result.ok) {
      return [{ index, success: false, text: null, errorCode: result.code, error: result.message, inputTokens: 0, outputTokens: 0, costUsd: 0 }];
    }
    const { costUsd } = deps.prices.costOf(job.provider as ProviderName, job.model, result.usage, "batch");
    return [{ index, success: true, text: result.text, errorCode: null, error: null, inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens, costUsd }];
  }

  /** One step; returns the delay before the next, or null when the job has finished. */
  async function step(jobId: string, client: BatchClient): Promise<number | null> {
    const job = await deps.store.find(jobId);
    if (!job || FINISHED_STATUSES.includes(job.status)) return null;
    if (job.status === "SUBMITTING") {
      if (job.cancelRequested) {
        await deps.store.finish(job.id, { status: "CANCELLED", errorCode: null, error: null }, [], TERMINAL.cancelled.leftover, () => {
          throw new Error("nothing answered");
        });
      } else await submit(job, client);
      const after = await deps.store.find(jobId);
      if (after) publish(after);
      return after && FINISHED_STATUSES.includes(after.status) ? null : 0;
    }
    if (job.cancelRequested && job.status === "RUNNING") {
      await client.cancel(job.providerBatchId!);
      await deps.store.markCancelling(job.id);
    }
    const remote = await client.retrieve(job.providerBatchId!);
    if (remote.status === "running") {
      await deps.store.recordPoll(job.id, { completed: remote.counts.completed, failed: remote.counts.failed });
      const after = await deps.store.find(jobId);
      if (after) publish(after);
      return delayAfter(job.polls);
    }
    await collect(job, client, remote.status);
    const after = await deps.store.find(jobId);
    if (after) publish(after);
    return null;
  }

  return defineJob({
    name: ADVANCE_TASK,
    payload: advancePayload,
    async run({ jobId }, context) {
      const job = await deps.store.find(jobId);
      if (!job || FINISHED_STATUSES.includes(job.status)) return;
      const client = deps.clientFor(job.provider as ProviderName);
      if (!client) return failJob(job, "PROVIDER_NOT_CONFIGURED", `${job.provider} has no batch API configured`);
      let failures = 0;
      for (;;) {
        let delay: number | null;
        try {
          delay = await step(jobId, client);
          failures = 0;
        } catch (error) {
          if (!(error instanceof ProviderError) || !error.retryable) {
            if (error instanceof ProviderError) return failJob(job, error.code, error.message);
            throw error;
          }
          // The provider is unreachable or overloaded: poll again later, up to a limit.
          failures += 1;
          if (failures >= MAX_POLL_FAILURES) return failJob(job, error.code, error.message);
          deps.logger.warn({ jobId, code: error.code, failures }, "prompt batch poll failed; retrying");
          delay = delayAfter(failures);
        }
        if (delay === null) return;
        if (delay >= inlineWaitMs || context.signal.aborted) return deps.schedule(jobId, new Date(Date.now() + delay));
        if (!(await sleep(delay, context.signal))) return deps.schedule(jobId, new Date(Date.now() + delay));
      }
    },
  });
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
