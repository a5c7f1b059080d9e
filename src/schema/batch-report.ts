import type { BatchReportView } from "../research/research-service.ts";
import { builder } from "./builder.ts";
import { CitationNodeRef } from "./citation-network.ts";
import { EntityClusterRef } from "./entity-cluster.ts";
import { TopicClusterRef } from "./topic-cluster.ts";

const FailureCountRef = builder.objectRef<{ code: string; count: number }>("FailureCount").implement({
  fields: (t) => ({ code: t.string({ resolve: (row) => row.code }), count: t.int({ resolve: (row) => row.count }) }),
});

const BatchReportRef = builder.objectRef<BatchReportView>("BatchReport").implement({
  description: "The aggregate of a batch: counts, pages, model tokens and cost, top entities, most cited, topics, failures.",
  fields: (t) => ({
    documentCount: t.int({ resolve: (report) => report.documentCount }),
    completedCount: t.int({ resolve: (report) => report.completedCount }),
    failedCount: t.int({ resolve: (report) => report.failedCount }),
    pageCount: t.int({ resolve: (report) => report.pageCount }),
    referenceCount: t.int({ resolve: (report) => report.referenceCount }),
    citationLinkCount: t.int({ resolve: (report) => report.citationLinkCount }),
    modelCalls: t.int({ description: "Provider ledger rows for the batch (cache hits included).", resolve: (report) => report.modelCalls }),
    inputTokens: t.int({ resolve: (report) => report.inputTokens }),
    outputTokens: t.int({ resolve: (report) => report.outputTokens }),
    costUsd: t.float({ resolve: (report) => report.costUsd }),
    topEntities: t.field({ type: [EntityClusterRef], resolve: (report) => report.topEntities }),
    mostCited: t.field({ type: [CitationNodeRef], resolve: (report) => report.mostCited }),
    topics: t.field({ type: [TopicClusterRef], resolve: (report) => report.topics }),
    failures: t.field({ type: [FailureCountRef], description: "Failed documents by error code.", resolve: (report) => report.failures }),
  }),
});

builder.queryField("batchReport", (t) =>
  t.field({
    type: BatchReportRef,
    description: "The aggregate of one of your batches; NOT_FOUND for other users' batches.",
    args: { batchId: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => context.services().research.batchReport(context.viewer().userId, String(args.batchId)),
  }),
);
