import type { PrismaClient } from "../../db/prisma-client.ts";
import type { PromptBatchItem, PromptBatchJob, PromptBatchStatus } from "../../generated/prisma/client.ts";
import type { CallLedgerEntry } from "../../providers/call-ledger.ts";
import type { PromptSpec } from "../prompt-batch-service.ts";

export type { PromptBatchItem, PromptBatchJob, PromptBatchStatus } from "../../generated/prisma/client.ts";

/** States a prompt batch job never leaves. */
export const FINISHED_STATUSES: readonly PromptBatchStatus[] = ["COMPLETED", "FAILED", "CANCELLED", "EXPIRED"];

/** One answered item, as the provider's result line gave it. */
export interface ItemOutcome {
  index: number;
  success: boolean;
  text: string | null;
  errorCode: string | null;
  error: string | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/**
 * Rows of prompt_batch_jobs and prompt_batch_items. Every write that a stale worker could
 * repeat is a compare-and-set: ids are set only while unset, statuses move only from the
 * states they may leave, and results land only on items still pending (so a second run of
 * the same results changes nothing and records no second ledger row).
 */
export class PromptBatchJobStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /**
   * Creates the job and its items and enqueues its first advance in the same transaction, so a
   * crash can never leave a job without the work that moves it.
   */
  async create(
    data: { userId: string; provider: string; model: string; prompts: readonly PromptSpec[] },
    enqueue: (jobId: string) => { task: string; payload: unknown; jobKey: string },
  ): Promise<PromptBatchJob> {
    return this.#prisma.$transaction(async (tx) => {
      const job = await tx.promptBatchJob.create({
        data: { userId: data.userId, provider: data.provider, model: data.model, total: data.prompts.length },
      });
      await tx.promptBatchItem.createMany({
        data: data.prompts.map((prompt, index) => ({
          jobId: job.id,
          index,
          prompt: prompt.prompt,
          system: prompt.system ?? null,
          temperature: prompt.temperature ?? null,
          maxTokens: prompt.maxTokens ?? null,
        })),
      });
      const work = enqueue(job.id);
      await tx.$executeRaw`SELECT graphile_worker.add_job(${work.task}, ${JSON.stringify(work.payload)}::json, job_key := ${work.jobKey}, max_attempts := 25)`;
      return job;
    });
  }

  async find(id: string): Promise<PromptBatchJob | null> {
    return this.#prisma.promptBatchJob.findUnique({ where: { id } });
  }

  /** The user's job, or null (unknown id or someone else's). */
  async findOwned(userId: string, id: string): Promise<PromptBatchJob | null> {
    return this.#prisma.promptBatchJob.findFirst({ where: { id, userId } });
  }

  async list(userId: string, first: number, offset: number): Promise<PromptBatchJob[]> {
    return this.#prisma.promptBatchJob.findMany({ where: { userId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: first, skip: offset });
  }

  async items(jobId: string): Promise<PromptBatchItem[]> {
    return this.#prisma.promptBatchItem.findMany({ where: { jobId }, orderBy: { index: "asc" } });
  }

  async itemPage(jobId: string, first: number, offset: number): Promise<PromptBatchItem[]> {
    return this.#prisma.promptBatchItem.findMany({ where: { jobId }, orderBy: { index: "asc" }, take: first, skip: offset });
  }

  /** Records the uploaded input file unless another run already did; returns the id that counts. */
  async setInputFile(id: string, fileId: string): Promise<string> {
    await this.#prisma.promptBatchJob.updateMany({ where: { id, inputFileId: null }, data: { inputFileId: fileId } });
    return (await this.#prisma.promptBatchJob.findUniqueOrThrow({ where: { id } })).inputFileId ?? fileId;
  }

  /** SUBMITTING → RUNNING with the provider's batch id (only once). */
  async setSubmitted(id: string, providerBatchId: string): Promise<void> {
    await this.#prisma.promptBatchJob.updateMany({ where: { id, status: "SUBMITTING", providerBatchId: null }, data: { providerBatchId, status: "RUNNING" } });
  }

  async recordPoll(id: string, counts: { completed: number; failed: number }): Promise<void> {
    await this.#prisma.promptBatchJob.updateMany({
      where: { id, status: { notIn: [...FINISHED_STATUSES] } },
      data: { ...counts, polls: { increment: 1 } },
    });
  }

  /** Asks for cancellation; false when the job has already finished. */
  async requestCancel(id: string): Promise<boolean> {
    const { count } = await this.#prisma.promptBatchJob.updateMany({ where: { id, status: { notIn: [...FINISHED_STATUSES] } }, data: { cancelRequested: true } });
    return count > 0;
  }

  async markCancelling(id: string): Promise<void> {
    await this.#prisma.promptBatchJob.updateMany({ where: { id, status: "RUNNING" }, data: { status: "CANCELLING" } });
  }

  /**
   * Stores the answered items (pending ones only), one ledger row per newly answered item, and
   * ends the job: items left pending fail with `leftover`, counts and cost are recomputed from
   * the items. One transaction, so the ledger and the items never disagree.
   */
  async finish(
    id: string,
    outcome: { status: PromptBatchStatus; errorCode: string | null; error: string | null },
    items: readonly ItemOutcome[],
    leftover: { code: string; message: string },
    ledgerEntry: (item: ItemOutcome) => CallLedgerEntry,
  ): Promise<boolean> {
    return this.#prisma.$transaction(async (tx) => {
      // Two advances can collect at once (a cancel's wake enqueues one while another runs): the
      // row lock makes the second wait and then see the job finished, so no result is recorded twice.
      const [job] = await tx.$queryRaw<{ status: PromptBatchStatus }[]>`SELECT status FROM prompt_batch_jobs WHERE id = ${id}::uuid FOR UPDATE`;
      if (!job || FINISHED_STATUSES.includes(job.status)) return false;
      const pending = new Set(
        (await tx.promptBatchItem.findMany({ where: { jobId: id, success: null }, select: { index: true } })).map((item) => item.index),
      );
      const fresh = items.filter((item) => pending.has(item.index));
      if (fresh.length > 0) {
        await tx.$executeRawUnsafe(
          `UPDATE prompt_batch_items AS i
              SET success = r.success, text = r.text, error_code = r.error_code, error = r.error,
                  input_tokens = r.input_tokens, output_tokens = r.output_tokens, cost_usd = r.cost_usd
             FROM unnest($2::int[], $3::boolean[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[], $9::float8[])
                  AS r(index, success, text, error_code, error, input_tokens, output_tokens, cost_usd)
            WHERE i.job_id = $1::uuid AND i.index = r.index AND i.success IS NULL`,
          id,
          fresh.map((item) => item.index),
          fresh.map((item) => item.success),
          fresh.map((item) => (item.text === null ? null : item.text.replaceAll("\u0000", "\uFFFD"))),
          fresh.map((item) => item.errorCode),
          fresh.map((item) => item.error),
          fresh.map((item) => item.inputTokens),
          fresh.map((item) => item.outputTokens),
          fresh.map((item) => item.costUsd),
        );
        await tx.providerCall.createMany({ data: fresh.map((item) => ({ ...ledgerEntry(item), latencyMs: 0 })) });
      }
      await tx.promptBatchItem.updateMany({ where: { jobId: id, success: null }, data: { success: false, errorCode: leftover.code, error: leftover.message } });
      const totals = await tx.promptBatchItem.groupBy({ by: ["success"], where: { jobId: id }, _count: { _all: true }, _sum: { costUsd: true } });
      const count = (success: boolean) => totals.find((row) => row.success === success)?._count._all ?? 0;
      await tx.promptBatchJob.update({
        where: { id },
        data: {
          ...outcome,
          completed: count(true),
          failed: count(false),
          totalCostUsd: totals.reduce((sum, row) => sum + (row._sum.costUsd ?? 0), 0),
          finishedAt: new Date(),
        },
      });
      return true;
    });
  }
}
