import type { PrismaClient } from "../db/prisma-client.ts";
import type { EmbeddingJob } from "../generated/prisma/client.ts";
import type { EmbeddedLine } from "../generation/index.ts";

export type { EmbeddingJob } from "../generated/prisma/client.ts";

/** The job was ended elsewhere (cancelled, or failed by the orphan sweep) while this run wrote. */
export class EmbeddingJobEndedError extends Error {
  constructor(id: string) {
    super(`embedding job ${id} has already ended`);
    this.name = "EmbeddingJobEndedError";
  }
}

/** How a job ended, as stored on its row. */
export interface EmbeddingJobOutcome {
  status: "COMPLETED" | "FAILED";
  total: number | null;
  errorCode: string | null;
  error: string | null;
}

/** One stored result as a line of the NDJSON download (JSON built by PostgreSQL). */
export interface EmbeddingResultJson {
  line: number;
  json: string;
}

/**
 * Rows of embedding_jobs and embedding_results. Results are written in bulk (one unnest
 * INSERT per flush) together with the job's counters, so `processed` always equals the rows
 * stored; they are read back in line order one page at a time.
 */
export class EmbeddingJobStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /**
   * Creates a QUEUED job unless the user already has `maxActive` queued or running; null then.
   * A per-user advisory lock makes the count and the insert one decision.
   */
  async createWithinLimit(
    data: { userId: string; filename: string; batchSize: number; total: number | null; ownerProcessId: string },
    maxActive: number,
  ): Promise<{ job: EmbeddingJob; active: number } | { job: null; active: number }> {
    return this.#prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('embedding_jobs:' || ${data.userId}))`;
      const active = await tx.embeddingJob.count({ where: { userId: data.userId, status: { in: ["QUEUED", "RUNNING"] } } });
      if (active >= maxActive) return { job: null, active };
      return { job: await tx.embeddingJob.create({ data }), active };
    });
  }

  /** The user's job, or null (unknown id or someone else's). `id` must be a UUID. */
  async find(userId: string, id: string): Promise<EmbeddingJob | null> {
    return this.#prisma.embeddingJob.findFirst({ where: { id, userId } });
  }

  /** The user's jobs, newest first, optionally of one status. */
  async list(userId: string, status: EmbeddingJob["status"] | null, first: number, offset: number): Promise<EmbeddingJob[]> {
    return this.#prisma.embeddingJob.findMany({
      where: { userId, ...(status ? { status } : {}) },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: first,
      skip: offset,
    });
  }

  /** QUEUED or RUNNING → CANCELLED; false when the job had already ended. */
  async cancel(id: string): Promise<boolean> {
    const { count } = await this.#prisma.embeddingJob.updateMany({
      where: { id, status: { in: ["QUEUED", "RUNNING"] } },
      data: { status: "CANCELLED", errorCode: "CANCELLED", error: "The job was cancelled", finishedAt: new Date() },
    });
    return count > 0;
  }

  /**
   * Fails the jobs left QUEUED or RUNNING by a process that stopped heartbeating (kill -9, a
   * lost machine): nothing else would ever finish them, and they would hold the user's quota.
   * Returns the ids failed.
   */
  async failOrphans(deadAfterMs: number): Promise<string[]> {
    const rows = await this.#prisma.$queryRaw<{ id: string }[]>`
      UPDATE embedding_jobs j
         SET status = 'FAILED', error_code = 'WORKER_LOST', finished_at = now(),
             error = 'The process running this job stopped before it finished; upload the file again'
       WHERE j.status IN ('QUEUED', 'RUNNING')
         AND j.created_at < now() - make_interval(secs => ${deadAfterMs / 1000})
         AND NOT EXISTS (
           SELECT 1 FROM worker_processes w
            WHERE w.id = j.owner_process_id
              AND w.heartbeat_at > now() - make_interval(secs => ${deadAfterMs / 1000}))
      RETURNING j.id::text AS id`;
    return rows.map((row) => row.id);
  }

  async markRunning(id: string): Promise<void> {
    await this.#prisma.embeddingJob.updateMany({ where: { id, status: "QUEUED" }, data: { status: "RUNNING", startedAt: new Date() } });
  }

  /** Stores `lines` and sets the job's counters, in one transaction. */
  async saveResults(id: string, lines: readonly EmbeddedLine[], counts: { processed: number; failed: number }): Promise<void> {
    await this.#prisma.$transaction(async (tx) => {
      if (lines.length > 0) {
        await tx.$executeRawUnsafe(
          `INSERT INTO embedding_results (job_id, line, text, vector, error_code, error)
           SELECT $1::uuid, r.line, r.text, r.vector::real[], r.error_code, r.error
             FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[]) AS r(line, text, vector, error_code, error)
           ON CONFLICT (job_id, line) DO NOTHING`,
          id,
          lines.map((line) => line.lineNumber),
          // PostgreSQL text cannot hold NUL; a stray one in an upload must not fail the job.
          lines.map((line) => line.text.replaceAll("\u0000", "\uFFFD")),
          lines.map((line) => `{${(line.vector ?? []).join(",")}}`),
          lines.map((line) => line.error?.code ?? null),
          lines.map((line) => line.error?.message ?? null),
        );
      }
      // Only while RUNNING: a job cancelled (or failed by the orphan sweep) stops here.
      const { count } = await tx.embeddingJob.updateMany({ where: { id, status: "RUNNING" }, data: counts });
      if (count === 0) throw new EmbeddingJobEndedError(id);
    });
  }

  /** Records how the job ended, unless it already has (cancelled, failed by the orphan sweep). */
  async finish(id: string, outcome: EmbeddingJobOutcome): Promise<void> {
    await this.#prisma.embeddingJob.updateMany({ where: { id, status: { in: ["QUEUED", "RUNNING"] } }, data: { ...outcome, finishedAt: new Date() } });
  }

  /**
   * Up to `limit` results after line `afterLine`, in line order, each already serialised:
   * `{"line":n,"text":"…","vector":[…],"error":null}` or with `vector: null` and
   * `error: {"code","message"}` for a line that failed.
   */
  async resultPage(jobId: string, afterLine: number, limit: number): Promise<EmbeddingResultJson[]> {
    return this.#prisma.$queryRawUnsafe<EmbeddingResultJson[]>(
      `SELECT line,
              json_build_object(
                'line', line,
                'text', text,
                'vector', CASE WHEN error_code IS NULL THEN to_json(vector) END,
                'error', CASE WHEN error_code IS NULL THEN NULL ELSE json_build_object('code', error_code, 'message', error) END
              )::text AS json
         FROM embedding_results
        WHERE job_id = $1::uuid AND line > $2
        ORDER BY line
        LIMIT $3`,
      jobId,
      afterLine,
      limit,
    );
  }
}
