import { resolveOffsetConnection } from "@pothos/plugin-relay";
import type { BatchJob } from "../generated/prisma/client.ts";
import { documentCounts, loadBatchProgress } from "../batches/batch-read-loaders.ts";
import { builder } from "./builder.ts";
import { DocumentJobRef } from "./document.ts";
import { BatchStatusEnum, ErrorStrategyEnum, PriorityEnum, StageEnum } from "./pipeline-enums.ts";

export const BatchJobRef = builder.objectRef<BatchJob>("BatchJob").implement({
  description: "A batch of uploaded PDFs processed together.",
  fields: (t) => ({
    id: t.exposeID("id"),
    label: t.string({ nullable: true, resolve: (batch) => batch.label }),
    status: t.field({ type: BatchStatusEnum, resolve: (batch) => batch.status }),
    errorStrategy: t.field({ type: ErrorStrategyEnum, resolve: (batch) => batch.errorStrategy }),
    priority: t.field({ type: PriorityEnum, resolve: (batch) => batch.priority }),
    progress: t.float({
      description: "0..1, weighted by pages.",
      resolve: (batch, _args, context) => loadBatchProgress(context.loaders(), batch),
    }),
    documentCount: t.int({ resolve: async (batch, _args, context) => (await documentCounts(context.loaders(), batch.id)).total }),
    completedCount: t.int({ resolve: async (batch, _args, context) => (await documentCounts(context.loaders(), batch.id)).completed }),
    failedCount: t.int({ resolve: async (batch, _args, context) => (await documentCounts(context.loaders(), batch.id)).failed }),
    createdAt: t.field({ type: "DateTime", resolve: (batch) => batch.createdAt }),
    startedAt: t.field({ type: "DateTime", nullable: true, resolve: (batch) => batch.startedAt }),
    finishedAt: t.field({ type: "DateTime", nullable: true, resolve: (batch) => batch.finishedAt }),
    documents: t.field({
      type: [DocumentJobRef],
      resolve: (batch, _args, context) => context.loaders().documentsOfBatch.load(batch.id),
    }),
  }),
});

const DependencyInput = builder.inputType("DocumentDependencyInput", {
  description: "The document `filename` starts only after every file in `dependsOn` completed.",
  fields: (t) => ({
    filename: t.string({ required: true }),
    dependsOn: t.stringList({ required: true }),
  }),
});

const BatchOptionsInput = builder.inputType("BatchOptionsInput", {
  fields: (t) => ({
    errorStrategy: t.field({ type: ErrorStrategyEnum, defaultValue: "CONTINUE" }),
    priority: t.field({ type: PriorityEnum, defaultValue: "NORMAL" }),
    renderDpi: t.int({ defaultValue: 150 }),
    stages: t.field({ type: [StageEnum], description: "Stages to run (plus what they need); default all." }),
    dependencies: t.field({ type: [DependencyInput] }),
    label: t.string(),
  }),
});

builder.queryField("batch", (t) =>
  t.field({
    type: BatchJobRef,
    nullable: true,
    description: "A batch of yours; null for unknown ids (and for other users' batches).",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => context.services().batches.findBatch(context.viewer().userId, String(id)),
  }),
);

builder.queryField("batches", (t) =>
  t.connection({
    type: BatchJobRef,
    description: "Your batches, newest first.",
    resolve: (_root, args, context) => {
      const { userId } = context.viewer();
      return resolveOffsetConnection({ args, defaultSize: 20, maxSize: 100 }, ({ offset, limit }) =>
        context.services().db.prisma.batchJob.findMany({
          where: { userId },
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          skip: offset,
          take: limit,
        }),
      );
    },
  }),
);

builder.mutationField("uploadBatch", (t) =>
  t.field({
    type: BatchJobRef,
    description: "Uploads PDFs (GraphQL multipart request) and queues them. Every file is checked first; nothing is stored if one is bad.",
    args: { files: t.arg({ type: ["File"], required: true }), options: t.arg({ type: BatchOptionsInput }) },
    resolve: (_root, { files, options }, context) =>
      context.services().batches.createBatch(context.viewer().userId, files, {
        errorStrategy: options?.errorStrategy ?? undefined,
        priority: options?.priority ?? undefined,
        renderDpi: options?.renderDpi ?? undefined,
        stages: options?.stages ?? undefined,
        dependencies: options?.dependencies ?? undefined,
        label: options?.label ?? null,
      }),
  }),
);

builder.mutationField("cancelBatch", (t) =>
  t.field({
    type: BatchJobRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => context.services().batches.cancelBatch(context.viewer().userId, String(id)),
  }),
);

builder.mutationField("retryBatch", (t) =>
  t.field({
    type: BatchJobRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => context.services().batches.retryBatch(context.viewer().userId, String(id)),
  }),
);
