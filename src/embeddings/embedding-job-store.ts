import type { PrismaClient } from "../db/prisma-client.ts";
import type { EmbeddingJob } from "../generated/prisma/client.ts";
import type { EmbeddedLine } from "../generation/index.ts";

export type { EmbeddingJob } from "../generated/prisma/client.ts";

/**
 * This run no longer holds the job: it was ended elsewhere (cancelled, failed by the orphan
 * sweep) or another run took it over (this worker was taken for dead). Nothing was written.
 */
export class EmbeddingJobLostError extends Error {
  readonly reason: "ended" | "taken";

  constructor(id: string, reason: "ended" | "taken") {
    super(reason === "ended" ? `embedding job ${id} has already ended` : `embedding job ${id} was taken over by another run`);
    this.name = "EmbeddingJobLostError";
    this.reason = reason;
  }
}

/** What a run gets when it takes a job: its settings and where to resume. */
export interface EmbeddingJobClaim {
  id: string;
  userId: string;
  batchSize: number;
  total: number | null;
  /** The fencing token every write of this run must present. */
  claim: number;
  /** The checkpoint: lines up to this one are stored. */
  linesDone: number;
  processed: number;
  failed: number;
  uploadOid: number | null;
}

/** The graphile-worker task that runs embedding jobs (the orphan sweep looks for its rows). */
export const EMBEDDING_FILE_TASK = "embedding.file";

/** One pending run per embedding job (the orphan sweep finds a job's work by this key). */
export function embeddingFileJobKey(jobId: string): string {
  return `embedding-job:${jobId}`;
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
 * INSERT per flush) together with the job's counters and checkpoint, so `processed` always
 * equals the rows stored; they are read back in line order one page at a time.
 *
 * Every write of a run is fenced by its claim: a run takes the job by incrementing `claim`
 * and writes only while the row still has its value and is RUNNING, so a worker taken for
 * dead (and replaced) can never overwrite what its successor wrote.
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
    data: { userId: string; filename: string; batchSize: number; total: number | null; ownerProcessId: string; uploadOid: number },
    maxActive: number,
    enqueue: (jobId: string) => { task: string; payload: unknown; jobKey: string },
  ): Promise<{ job: EmbeddingJob; active: number } | { job: null; active: number }> {
    return this.#prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('embedding_jobs:' || ${data.userId}))`;
      const active = await tx.embeddingJob.count({ where: { userId: data.userId, status: { in: ["QUEUED", "RUNNING"] } } });
      if (active >= maxActive) return { job: null, active };
      const job = await tx.embeddingJob.create({ data });
      // The job adopts the staged upload and gets the work that runs it in the same transaction:
      // a crash leaves either nothing (the staging sweep unlinks the bytes) or a job that will run.
      const adopted = await tx.$executeRaw`DELETE FROM upload_staging WHERE large_object = ${data.uploadOid}::bigint::oid`;
      if (adopted !== 1) throw new Error("The upload was discarded before its job was stored.");
      const work = enqueue(job.id);
      await tx.$executeRaw`SELECT graphile_worker.add_job(${work.task}, ${JSON.stringify(work.payload)}::json, job_key := ${work.jobKey}, max_attempts := 25)`;
      return { job, active };
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

  /** QUEUED or RUNNING → CANCELLED, its upload unlinked; false when the job had already ended. */
  async cancel(id: string): Promise<boolean> {
    return this.#prisma.$transaction(async (tx) => {
      const { count } = await tx.embeddingJob.updateMany({
        where: { id, status: { in: ["QUEUED", "RUNNING"] } },
        data: { status: "CANCELLED", errorCode: "CANCELLED", error: "The job was cancelled", finishedAt: new Date() },
      });
      if (count > 0) await unlinkUploadOfEnded(tx, id);
      return count > 0;
    });
  }

  /**
   * Fails the jobs left QUEUED or RUNNING that nothing will ever run again: their process
   * stopped heartbeating (kill -9, a lost machine) and no graphile-worker job is left that
   * could resume them (a job without its stored upload, or whose attempts are used up). A job
   * whose work is still queued or locked is left alone: the reaper unlocks it and another
   * worker resumes it from its checkpoint. Returns the ids failed.
   */
  async failOrphans(deadAfterMs: number): Promise<string[]> {
    const rows = await this.#prisma.$queryRaw<{ id: string }[]>`
      UPDATE embedding_jobs j
         SET status = 'FAILED', error_code = 'WORKER_LOST', finished_at = now(),
             error = 'The process running this job stopped before it finished and it cannot be resumed; upload the file again'
       WHERE j.status IN ('QUEUED', 'RUNNING')
         AND j.created_at < now() - make_interval(secs => ${deadAfterMs / 1000})
         AND NOT EXISTS (
           SELECT 1 FROM worker_processes w
            WHERE w.id = j.owner_process_id
              AND w.heartbeat_at > now() - make_interval(secs => ${deadAfterMs / 1000}))
         AND (j.upload_oid IS NULL OR NOT EXISTS (
           SELECT 1 FROM graphile_worker.jobs g
            WHERE g.task_identifier = ${EMBEDDING_FILE_TASK}
              AND g.key = ${embeddingFileJobKey("")} || j.id::text
              AND g.attempts < g.max_attempts))
      RETURNING j.id::text AS id`;
    return rows.map((row) => row.id);
  }

  /**
   * Takes the job for a run of `processId`: QUEUED or RUNNING (a run that died or stopped)
   * becomes RUNNING under a new claim. Null when the job has ended or does not exist.
   */
  async claim(id: string, processId: string): Promise<EmbeddingJobClaim | null> {
    const rows = await this.#prisma.$queryRaw<(Omit<EmbeddingJobClaim, "uploadOid"> & { uploadOid: string | null })[]>`
      UPDATE embedding_jobs
         SET claim = claim + 1, status = 'RUNNING', owner_process_id = ${processId}, started_at = coalesce(started_at, now())
       WHERE id = ${id}::uuid AND status IN ('QUEUED', 'RUNNING')
      RETURNING id::text AS id, user_id::text AS "userId", batch_size AS "batchSize", total, claim, lines_done AS "linesDone",
                processed, failed, upload_oid::bigint::text AS "uploadOid"`;
    const row = rows[0];
    return row ? { ...row, uploadOid: row.uploadOid === null ? null : Number(row.uploadOid) } : null;
  }

  /** Why a fenced write touched nothing: the job ended, or another run holds it. */
  async #lost(id: string): Promise<EmbeddingJobLostError> {
    const job = await this.#prisma.embeddingJob.findUnique({ where: { id }, select: { status: true } });
    return new EmbeddingJobLostError(id, !job || (job.status !== "RUNNING" && job.status !== "QUEUED") ? "ended" : "taken");
  }

  /**
   * Stores `lines` (the next lines in file order) and sets the job's counters and checkpoint,
   * in one transaction, while `claim` still holds; otherwise writes nothing and throws
   * EmbeddingJobLostError.
   */
  async saveResults(id: string, claim: number, lines: readonly EmbeddedLine[], counts: { processed: number; failed: number }, linesDone: number): Promise<void> {
    const lost = await this.#prisma.$transaction(async (tx) => {
      // Fence first: the row lock also orders this write after a concurrent takeover.
      const { count } = await tx.embeddingJob.updateMany({ where: { id, claim, status: "RUNNING" }, data: { ...counts, linesDone } });
      if (count === 0) return true;
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
      return false;
    });
    if (lost) throw await this.#lost(id);
  }

  /**
   * Records how the job ended, while `claim` holds (never over a cancel or a newer run), and
   * unlinks its upload in the same transaction.
   */
  async finish(id: string, claim: number, outcome: EmbeddingJobOutcome): Promise<boolean> {
    return this.#prisma.$transaction(async (tx) => {
      const { count } = await tx.embeddingJob.updateMany({ where: { id, claim, status: "RUNNING" }, data: { ...outcome, finishedAt: new Date() } });
      if (count > 0) await unlinkUploadOfEnded(tx, id);
      return count > 0;
    });
  }

  /** Fails a job no run holds (it never started: its upload is gone, its work refused). */
  async failUnclaimed(id: string, outcome: Omit<EmbeddingJobOutcome, "status" | "total">): Promise<void> {
    await this.#prisma.embeddingJob.updateMany({ where: { id, status: { in: ["QUEUED", "RUNNING"] } }, data: { ...outcome, status: "FAILED", finishedAt: new Date() } });
  }

  /** Hands a stopping run's job back (RUNNING → QUEUED) for the next run to resume. */
  async handBack(id: string, claim: number): Promise<void> {
    await this.#prisma.embeddingJob.updateMany({ where: { id, claim, status: "RUNNING" }, data: { status: "QUEUED", ownerProcessId: null } });
  }

  /** Unlinks the stored upload of a job that has ended (once; never under a job that may still run). */
  async releaseUpload(id: string): Promise<void> {
    await unlinkUploadOfEnded(this.#prisma, id);
  }

  /** The first failed line's error (what a job whose every line failed reports). */
  async firstFailure(jobId: string): Promise<{ code: string; message: string } | null> {
    const row = await this.#prisma.embeddingResult.findFirst({ where: { jobId, errorCode: { not: null } }, orderBy: { line: "asc" }, select: { errorCode: true, error: true } });
    return row ? { code: row.errorCode!, message: row.error ?? "" } : null;
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

/** Unlinks the stored upload of a job that has ended (once; never under a job that may still run). */
async function unlinkUploadOfEnded(client: Pick<PrismaClient, "$executeRaw">, id: string): Promise<void> {
  await client.$executeRaw`
    WITH gone AS (
      UPDATE embedding_jobs j SET upload_oid = NULL
        FROM (SELECT id, upload_oid FROM embedding_jobs WHERE id = ${id}::uuid FOR UPDATE) old
       WHERE j.id = old.id AND old.upload_oid IS NOT NULL AND j.status NOT IN ('QUEUED', 'RUNNING')
      RETURNING old.upload_oid)
    SELECT lo_unlink(upload_oid) FROM gone`;
}
