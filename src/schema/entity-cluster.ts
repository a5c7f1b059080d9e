import { ENTITY_KINDS } from "../research/entity-kinds.ts";
import type { EntityClusterView } from "../research/entity-clustering.ts";
import { builder } from "./builder.ts";
import { DocumentJobRef } from "./document.ts";

export const EntityKindEnum = builder.enumType("EntityKind", {
  description: "What an entity is: SYSTEM, ALGORITHM, DATASET, ORGANISATION, PERSON, VENUE, or CONCEPT when the context does not say.",
  values: ENTITY_KINDS,
});

const EntityMentionRef = builder.objectRef<{ documentId: string; page: number; text: string }>("EntityMention").implement({
  fields: (t) => ({
    document: t.field({
      type: DocumentJobRef,
      resolve: async (mention, _args, context) => (await context.services().research.documents([mention.documentId])).get(mention.documentId)!,
    }),
    page: t.int({ description: "1-based page number.", resolve: (mention) => mention.page }),
    text: t.string({ description: "The name as written there.", resolve: (mention) => mention.text }),
  }),
});

export const EntityClusterRef = builder.objectRef<EntityClusterView>("EntityCluster").implement({
  description: "One entity named across the batch's documents, under a canonical name with its aliases.",
  fields: (t) => ({
    id: t.id({ resolve: (cluster) => cluster.id }),
    name: t.string({ resolve: (cluster) => cluster.name }),
    kind: t.field({ type: EntityKindEnum, resolve: (cluster) => cluster.kind }),
    aliases: t.stringList({ resolve: (cluster) => cluster.aliases }),
    confidence: t.float({ description: "1 for one spelling; lower for merges by acronym, similarity or model.", resolve: (cluster) => cluster.confidence }),
    mentionCount: t.int({ resolve: (cluster) => cluster.mentionCount }),
    documents: t.field({
      type: [DocumentJobRef],
      resolve: async (cluster, _args, context) => {
        const documents = await context.services().research.documents(cluster.documentIds);
        return cluster.documentIds.flatMap((id) => documents.get(id) ?? []);
      },
    }),
    mentions: t.field({
      type: [EntityMentionRef],
      args: { first: t.arg.int({ defaultValue: 20 }) },
      resolve: (cluster, args) => cluster.mentions.slice(0, Math.min(500, Math.max(0, args.first ?? 20))),
    }),
  }),
});

builder.queryField("entityClusters", (t) =>
  t.field({
    type: [EntityClusterRef],
    description: "Entities named across one of your batches, largest first; NOT_FOUND for other users' batches.",
    args: {
      batchId: t.arg.id({ required: true }),
      first: t.arg.int({ defaultValue: 50 }),
      kind: t.arg({ type: EntityKindEnum }),
      name: t.arg.string({
        description: "Only the entity known by this name, as its canonical name or an alias (case, punctuation and plural ignored): finds small entities beyond `first`.",
      }),
    },
    resolve: (_root, args, context) =>
      context.services().research.entityClusters(context.viewer().userId, String(args.batchId), {
        first: args.first ?? 50,
        ...(args.kind ? { kind: args.kind } : {}),
        ...(args.name ? { name: args.name } : {}),
      }),
  }),
);
