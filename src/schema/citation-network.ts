import type {
  CitationLinkView,
  CitationMetricsView,
  CitationNetwork,
  CitationNodeView,
  DocumentPairCount,
  ExternalWorkView,
} from "../research/citation-network.ts";
import { builder } from "./builder.ts";
import { DocumentJobRef } from "./document.ts";
import { ReferenceRef } from "./document-research.ts";

export const CitationNodeRef = builder.objectRef<CitationNodeView>("CitationNode").implement({
  description: "A document of the batch in its citation network.",
  fields: (t) => ({
    document: t.field({ type: DocumentJobRef, resolve: (node) => node.document }),
    inDegree: t.int({ description: "Documents of the batch citing this one.", resolve: (node) => node.inDegree }),
    outDegree: t.int({ description: "Documents of the batch this one cites.", resolve: (node) => node.outDegree }),
    pageRank: t.float({ resolve: (node) => node.pageRank }),
    component: t.int({ description: "Weakly connected component (0 = the largest).", resolve: (node) => node.component }),
  }),
});

const CitationLinkRef = builder.objectRef<CitationLinkView>("CitationLink").implement({
  description: "A reference of one document that cites another document of the batch.",
  fields: (t) => ({
    source: t.field({ type: DocumentJobRef, resolve: (link) => link.source }),
    target: t.field({ type: DocumentJobRef, nullable: true, resolve: (link) => link.target }),
    reference: t.field({ type: ReferenceRef, resolve: (link) => link.reference }),
    confidence: t.float({ description: "0..1; 1 for DOI and arXiv id matches.", resolve: (link) => link.confidence }),
    matchedBy: t.string({ description: "doi, arxiv or title.", resolve: (link) => link.matchedBy }),
  }),
});

const ExternalWorkRef = builder.objectRef<ExternalWorkView>("ExternalWork").implement({
  description: "A work outside the batch cited by two or more of its documents (grouped by DOI or title).",
  fields: (t) => ({
    title: t.string({ resolve: (work) => work.title }),
    year: t.int({ nullable: true, resolve: (work) => work.year }),
    doi: t.string({ nullable: true, resolve: (work) => work.doi }),
    citedBy: t.field({ type: [DocumentJobRef], resolve: (work) => work.citedBy }),
  }),
});

const DocumentPairRef = builder.objectRef<DocumentPairCount>("DocumentPairCount").implement({
  fields: (t) => ({
    first: t.field({ type: DocumentJobRef, resolve: (pair) => pair.first }),
    second: t.field({ type: DocumentJobRef, resolve: (pair) => pair.second }),
    count: t.int({ resolve: (pair) => pair.count }),
  }),
});

const CitationMetricsRef = builder.objectRef<CitationMetricsView>("CitationMetrics").implement({
  fields: (t) => ({
    documentCount: t.int({ resolve: (metrics) => metrics.documentCount }),
    linkCount: t.int({ description: "Citing/cited document pairs.", resolve: (metrics) => metrics.linkCount }),
    componentCount: t.int({ description: "Weakly connected components.", resolve: (metrics) => metrics.componentCount }),
    largestComponentSize: t.int({ resolve: (metrics) => metrics.largestComponentSize }),
    coCitations: t.field({
      type: [DocumentPairRef],
      description: "Pairs of documents cited together by the same documents, most first.",
      resolve: (metrics) => metrics.coCitations,
    }),
    bibliographicCoupling: t.field({
      type: [DocumentPairRef],
      description: "Pairs of documents sharing references, most shared first.",
      resolve: (metrics) => metrics.bibliographicCoupling,
    }),
  }),
});

const CitationNetworkRef = builder.objectRef<CitationNetwork>("CitationNetwork").implement({
  description: "How the documents of a batch cite each other and the works they share.",
  fields: (t) => ({
    nodes: t.field({ type: [CitationNodeRef], resolve: (network) => network.nodes }),
    edges: t.field({ type: [CitationLinkRef], resolve: (network) => network.edges }),
    externalWorks: t.field({
      type: [ExternalWorkRef],
      args: { first: t.arg.int({ defaultValue: 50 }) },
      resolve: (network, args) => network.externalWorks.slice(0, Math.min(500, Math.max(0, args.first ?? 50))),
    }),
    metrics: t.field({ type: CitationMetricsRef, resolve: (network) => network.metrics }),
  }),
});

builder.queryField("citationNetwork", (t) =>
  t.field({
    type: CitationNetworkRef,
    description: "The citation network of one of your batches; NOT_FOUND for unknown ids and other users' batches alike.",
    args: { batchId: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => context.services().research.citationNetwork(context.viewer().userId, String(args.batchId)),
  }),
);
