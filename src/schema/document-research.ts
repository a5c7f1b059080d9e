import type { PaperMetadata } from "../generated/prisma/client.ts";
import type { NetworkReference } from "../research/citation-network.ts";
import { builder } from "./builder.ts";
import { DocumentJobRef } from "./document.ts";

export const DocumentMetadataRef = builder.objectRef<PaperMetadata>("DocumentMetadata").implement({
  description: "What the paper says about itself: its first page plus the PDF's metadata.",
  fields: (t) => ({
    title: t.string({ nullable: true, resolve: (row) => row.title }),
    authors: t.stringList({ resolve: (row) => row.authors }),
    year: t.int({ nullable: true, resolve: (row) => row.year }),
    doi: t.string({ nullable: true, resolve: (row) => row.doi }),
    arxivId: t.string({ nullable: true, resolve: (row) => row.arxivId }),
    venue: t.string({ nullable: true, resolve: (row) => row.venue }),
  }),
});

export const ReferenceRef = builder.objectRef<NetworkReference>("Reference").implement({
  description: "One entry of a paper's bibliography, with the fields that could be read from it.",
  fields: (t) => ({
    index: t.int({ description: "0-based position in the bibliography.", resolve: (row) => row.index }),
    raw: t.string({ description: "The entry's text, label included.", resolve: (row) => row.raw }),
    title: t.string({ nullable: true, resolve: (row) => row.title }),
    authors: t.stringList({ resolve: (row) => row.authors }),
    year: t.int({ nullable: true, resolve: (row) => row.year }),
    doi: t.string({ nullable: true, resolve: (row) => row.doi }),
    arxivId: t.string({ nullable: true, resolve: (row) => row.arxivId }),
    venue: t.string({ nullable: true, resolve: (row) => row.venue }),
    target: t.field({
      type: DocumentJobRef,
      nullable: true,
      description: "The document of the same batch this entry cites, when it was linked.",
      resolve: async (row, _args, context) => {
        if (!row.targetId) return null;
        const documents = await context.services().research.documents([row.targetId]);
        const target = documents.get(row.targetId);
        // Edges never cross batches; checking the batch again keeps that true for the reader.
        return target && target.batchId === row.batchId ? target : null;
      },
    }),
  }),
});

builder.objectField(DocumentJobRef, "metadata", (t) =>
  t.field({
    type: DocumentMetadataRef,
    nullable: true,
    description: "Null until the CITATIONS stage has read the paper.",
    resolve: (document, _args, context) => context.services().research.metadata(document),
  }),
);

builder.objectField(DocumentJobRef, "references", (t) =>
  t.field({
    type: [ReferenceRef],
    description: "The paper's bibliography in order (empty until the CITATIONS stage has run).",
    resolve: (document, _args, context) => context.services().research.references(document),
  }),
);
