import type { PrismaClient } from "../db/prisma-client.ts";
import type { EmbeddingJob } from "../generated/prisma/client.ts";
import type { EmbeddedLine } from "../generation/index.ts";

export type { EmbeddingJob } from "../generated/prisma/client.ts";

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
    data: { userId: string; filename: string; batchSize: number; total: number | null },
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
      await tx.embeddingJob.update({ where: { id }, data: counts });
    });
  }

  async finish(id: string, outcome: EmbeddingJobOutcome): Promise<void> {
    await this.#prisma.embeddingJob.update({ where: { id }, data: { ...outcome, finishedAt: new Date() } });
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
