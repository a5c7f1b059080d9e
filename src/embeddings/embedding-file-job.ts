import { z } from "zod";
import { linesFromStream } from "../generation/index.ts";
import { defineJob } from "../jobs/job-definition.ts";
import type { JobDefinition } from "../jobs/job-definition.ts";
import type { UploadStore } from "../uploads/upload-store.ts";
import { runEmbeddingJob, type EmbeddingJobRunDeps } from "./embedding-job-runner.ts";
import { EMBEDDING_FILE_TASK } from "./embedding-job-store.ts";

/** The embedding job's payload, validated when enqueued and when run. */
export const embeddingFilePayload = z.object({ jobId: z.uuid() });

export { embeddingFileJobKey } from "./embedding-job-store.ts";

/** What the job needs besides a run's dependencies. */
export interface EmbeddingFileJobDeps extends EmbeddingJobRunDeps {
  uploads: Pick<UploadStore, "stream">;
  /** This process's id among the heartbeating worker processes (WorkerReaper.id). */
  processId: string;
  /** Enqueues the job's next run now (a stopping process hands its runs back this way). */
  reschedule(jobId: string): Promise<void>;
}

// The stored upload is read until lo_get returns nothing; its size need not be known.
const READ_TO_END = Number.MAX_SAFE_INTEGER;

/**
 * The durable embedFile job, run by any worker process: it takes the job under a new claim,
 * reads the stored upload, embeds the lines after the job's checkpoint and records the
 * outcome. A run cut short by a stopping process hands the job back and enqueues its next
 * run; a run killed outright leaves its graphile-worker job locked until the reaper unlocks
 * it, and the next run resumes from the checkpoint. The upload is unlinked once the job has
 * ended (finished, failed or cancelled), never before.
 */
export function createEmbeddingFileJob(deps: EmbeddingFileJobDeps): JobDefinition<{ jobId: string }> {
  return defineJob({
    name: EMBEDDING_FILE_TASK,
    payload: embeddingFilePayload,
    async run({ jobId }, context) {
      const job = await deps.store.claim(jobId, deps.processId);
      if (job && job.uploadOid === null) {
        await deps.store.finish(jobId, job.claim, { status: "FAILED", total: null, errorCode: "UPLOAD_MISSING", error: "The job's upload is no longer stored; upload the file again" });
      } else if (job) {
        const lines = linesFromStream(deps.uploads.stream(job.uploadOid!, READ_TO_END));
        if ((await runEmbeddingJob(deps, job, lines, context.signal)) === "interrupted") return deps.reschedule(jobId);
      }
      await deps.store.releaseUpload(jobId);
    },
  });
}
