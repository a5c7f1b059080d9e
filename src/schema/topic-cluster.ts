import type { TopicClusterView } from "../research/topic-clustering.ts";
import { builder } from "./builder.ts";
import { DocumentJobRef } from "./document.ts";

export const TopicClusterRef = builder.objectRef<TopicClusterView>("TopicCluster").implement({
  description: "Documents of a batch grouped by subject from their chunk embeddings.",
  fields: (t) => ({
    label: t.string({ resolve: (topic) => topic.label }),
    keywords: t.stringList({ resolve: (topic) => topic.keywords }),
    silhouette: t.float({ description: "Mean silhouette of the clustering the number of topics was chosen by.", resolve: (topic) => topic.silhouette }),
    documents: t.field({
      type: [DocumentJobRef],
      resolve: async (topic, _args, context) => {
        const documents = await context.services().research.documents(topic.documentIds);
        return topic.documentIds.flatMap((id) => documents.get(id) ?? []);
      },
    }),
  }),
});

builder.queryField("topicClusters", (t) =>
  t.field({
    type: [TopicClusterRef],
    description: "The subjects of one of your batches (embedded documents only); NOT_FOUND for other users' batches.",
    args: { batchId: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => context.services().research.topicClusters(context.viewer().userId, String(args.batchId)),
  }),
);
