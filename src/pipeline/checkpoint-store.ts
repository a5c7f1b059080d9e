import type { PrismaClient } from "../db/prisma-client.ts";
import { postgresJson, postgresText } from "../db/postgres-text.ts";
import type { Stage } from "../generated/prisma/enums.ts";
import { StaleAttemptError } from "./stale-attempt-error.ts";

/** A claimed stage: `attempt` is the fencing token every write of this run carries. */
export interface StageClaim {
  documentId: string;
  stage: Stage;
  attempt: number;
  /** Earlier runs that failed (the retry budget used); runs that were interrupted do not count. */
  failedAttempts: number;
}

/**
 * Checkpoint rows: one per document and stage. Claiming bumps `attempt`; completing and
 * failing only succeed while the row still holds the claimer's attempt, so a stale worker
 * (reclaimed after it was presumed dead) can never overwrite a newer attempt's result.
 */
export class CheckpointStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /** Claims a stage that is not already completed; null when there is nothing to run. */
  async claim(documentId: string, stage: Stage): Promise<StageClaim | null> {
    const rows = await this.#prisma.$queryRaw<{ attempt: number; failed_attempts: number }[]>`
      UPDATE checkpoints
         SET status = 'RUNNING', attempt = attempt + 1, started_at = now(), finished_at = NULL,
             error_code = NULL, error_message = NULL, updated_at = now()
       WHERE document_id = ${documentId}::uuid AND stage = ${stage}::"Stage"
         AND status IN ('PENDING', 'RUNNING', 'FAILED')
      RETURNING attempt, failed_attempts`;
    const row = rows[0];
    return row ? { documentId, stage, attempt: row.attempt, failedAttempts: row.failed_attempts } : null;
  }

  async complete(claim: StageClaim, result: { output?: unknown; warnings?: string[]; durationMs: number }): Promise<void> {
    const count = await this.#prisma.$executeRaw`
      UPDATE checkpoints
         SET status = 'COMPLETED', finished_at = now(), duration_ms = ${Math.round(result.durationMs)},
             output = ${result.output === undefined ? null : postgresJson(result.output)}::jsonb,
             warnings = ${(result.warnings ?? []).map(postgresText)}::text[], updated_at = now()
       WHERE document_id = ${claim.documentId}::uuid AND stage = ${claim.stage}::"Stage"
         AND attempt = ${claim.attempt} AND status = 'RUNNING'`;
    if (count === 0) throw new StaleAttemptError(claim.documentId, claim.stage, claim.attempt);
  }

  /**
   * Records a failure, which uses one attempt of the stage's budget; `retrying` keeps the stage
   * claimable (PENDING) for the next attempt.
   */
  async fail(claim: StageClaim, error: { code: string; message: string; retrying: boolean; durationMs: number }): Promise<boolean> {
    const count = await this.#prisma.$executeRaw`
      UPDATE checkpoints
         SET status = ${error.retrying ? "PENDING" : "FAILED"}::"CheckpointStatus", finished_at = now(),
             failed_attempts = failed_attempts + 1,
             duration_ms = ${Math.round(error.durationMs)}, error_code = ${error.code},
             error_message = ${error.message.slice(0, 2000)}, updated_at = now()
       WHERE document_id = ${claim.documentId}::uuid AND stage = ${claim.stage}::"Stage"
         AND attempt = ${claim.attempt} AND status = 'RUNNING'`;
    return count > 0;
  }

  /**
   * Hands an interrupted run back (a cancel, or this worker stopping): the stage is claimable
   * again (PENDING) and the run does not count against its attempts, since it never failed.
   */
  async release(claim: StageClaim, reason: { code: string; message: string; durationMs: number }): Promise<boolean> {
    const count = await this.#prisma.$executeRaw`
      UPDATE checkpoints
         SET status = 'PENDING', finished_at = now(), duration_ms = ${Math.round(reason.durationMs)},
             error_code = ${reason.code}, error_message = ${reason.message.slice(0, 2000)}, updated_at = now()
       WHERE document_id = ${claim.documentId}::uuid AND stage = ${claim.stage}::"Stage"
         AND attempt = ${claim.attempt} AND status = 'RUNNING'`;
    return count > 0;
  }

  /** Page progress of the running attempt; never goes back (reports of pages in flight may land out of order). */
  async setPages(claim: StageClaim, pagesDone: number, pagesTotal: number): Promise<void> {
    await this.#prisma.$executeRaw`
      UPDATE checkpoints SET pages_done = GREATEST(pages_done, ${pagesDone}), pages_total = ${pagesTotal}, updated_at = now()
       WHERE document_id = ${claim.documentId}::uuid AND stage = ${claim.stage}::"Stage" AND attempt = ${claim.attempt}`;
  }

  /** Throws StaleAttemptError unless the claim is still the running attempt. */
  async assertCurrent(claim: StageClaim): Promise<void> {
    const rows = await this.#prisma.$queryRaw<{ ok: boolean }[]>`
      SELECT true AS ok FROM checkpoints
       WHERE document_id = ${claim.documentId}::uuid AND stage = ${claim.stage}::"Stage"
         AND attempt = ${claim.attempt} AND status = 'RUNNING'`;
    if (rows.length === 0) throw new StaleAttemptError(claim.documentId, claim.stage, claim.attempt);
  }

  async isCompleted(documentId: string, stage: Stage): Promise<boolean> {
    const row = await this.#prisma.checkpoint.findUnique({ where: { documentId_stage: { documentId, stage } }, select: { status: true } });
    return row?.status === "COMPLETED";
  }

  async output<T>(documentId: string, stage: Stage): Promise<T | undefined> {
    const row = await this.#prisma.checkpoint.findUnique({
      where: { documentId_stage: { documentId, stage } },
      select: { output: true },
    });
    return (row?.output ?? undefined) as T | undefined;
  }
}
