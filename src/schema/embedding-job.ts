import { embeddingJobRates } from "../embeddings/embedding-job-rates.ts";
import type { EmbeddingJob } from "../embeddings/embedding-job-store.ts";
import { builder } from "./builder.ts";
import { CallErrorRef, withInputErrors } from "./generation-errors.ts";

export const EmbeddingJobStatusEnum = builder.enumType("EmbeddingJobStatus", { values: ["QUEUED", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"] as const });

export const EmbeddingJobRef = builder.objectRef<EmbeddingJob>("EmbeddingJob").implement({
  description: "An uploaded text file embedded line by line (empty lines skipped).",
  fields: (t) => ({
    id: t.exposeID("id"),
    filename: t.exposeString("filename"),
    status: t.field({ type: EmbeddingJobStatusEnum, resolve: (job) => job.status }),
    processed: t.exposeInt("processed", { description: "Non-empty lines whose result is stored, embedded or failed." }),
    failed: t.exposeInt("failed"),
    total: t.int({ nullable: true, description: "Non-empty lines in the file; known once it has been read.", resolve: (job) => job.total }),
    batchSize: t.exposeInt("batchSize"),
    error: t.field({
      type: CallErrorRef,
      nullable: true,
      description: "Why the job FAILED (ABORTED, LINE_TOO_LONG, a provider code when every line failed, ...).",
      resolve: (job) => (job.errorCode ? { code: job.errorCode, message: job.error ?? "" } : null),
    }),
    createdAt: t.field({ type: "DateTime", resolve: (job) => job.createdAt }),
    finishedAt: t.field({ type: "DateTime", nullable: true, resolve: (job) => job.finishedAt }),
    downloadUrl: t.string({
      description:
        "The results as NDJSON ({line, text, vector, error} per non-empty line, in file order), under the same Authorization as GraphQL; 409 until the job has finished.",
      resolve: (job) => `/embeddings/${job.id}.ndjson`,
    }),
  }),
});

builder.objectFields(EmbeddingJobRef, (t) => ({
  startedAt: t.field({ type: "DateTime", nullable: true, description: "When embedding began.", resolve: (job) => job.startedAt }),
  elapsedMs: t.float({ nullable: true, description: "Since embedding began, until it ended or now.", resolve: (job) => embeddingJobRates(job, new Date()).elapsedMs }),
  linesPerSecond: t.float({ nullable: true, description: "Lines stored per second since embedding began.", resolve: (job) => embeddingJobRates(job, new Date()).linesPerSecond }),
  etaSeconds: t.float({
    nullable: true,
    description: "Seconds until the remaining lines are stored at the rate so far; null when unknown or finished.",
    resolve: (job) => embeddingJobRates(job, new Date()).etaSeconds,
  }),
}));

builder.queryField("embeddingJob", (t) =>
  t.field({
    type: EmbeddingJobRef,
    description: "One of your embedding jobs; NOT_FOUND for unknown ids and other users' jobs alike.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => context.services().embeddingJobs.getJob(context.viewer().userId, String(id)),
  }),
);

builder.queryField("embeddingJobs", (t) =>
  t.field({
    type: [EmbeddingJobRef],
    description: "Your embedding jobs, newest first (first 1..100), optionally of one status.",
    args: { status: t.arg({ type: EmbeddingJobStatusEnum }), first: t.arg.int({ defaultValue: 20 }), offset: t.arg.int({ defaultValue: 0 }) },
    resolve: (_root, args, context) =>
      context.services().embeddingJobs.listJobs(context.viewer().userId, { status: args.status, first: args.first, offset: args.offset }),
  }),
);

builder.mutationField("cancelEmbeddingJob", (t) =>
  t.field({
    type: EmbeddingJobRef,
    description: "Cancels a QUEUED or RUNNING job (it reads CANCELLED at once; results stored so far stay downloadable). A job that has ended is returned unchanged.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => context.services().embeddingJobs.cancelJob(context.viewer().userId, String(id)),
  }),
);

builder.mutationField("embedFile", (t) =>
  t.field({
    type: EmbeddingJobRef,
    description:
      "Uploads a UTF-8 text file (GraphQL multipart request) and embeds it line by line in the background, batchSize (1..2048) lines per provider request. Returns the job at once: follow it with embeddingProgress, then download its results.",
    args: { file: t.arg({ type: "File", required: true }), batchSize: t.arg.int({ defaultValue: 32 }) },
    resolve: async (_root, args, context) => {
      try {
        return await withInputErrors(() =>
          // The job adopts the stored upload (it reads it after this answers, on any worker).
          context.services().embeddingJobs.startFileJob(context.viewer().userId, args.file, { batchSize: args.batchSize }),
        );
      } catch (error) {
        await args.file.discard();
        throw error;
      }
    },
  }),
);
