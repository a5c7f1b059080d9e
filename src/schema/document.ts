import type { Chunk, Checkpoint, DocumentJob, Page } from "../generated/prisma/client.ts";
import { loadDocumentProgress } from "../batches/batch-read-loaders.ts";
import { builder } from "./builder.ts";
import { DocumentStatusEnum, StageEnum, StageStatusEnum } from "./pipeline-enums.ts";

interface ErrorInfo {
  code: string;
  message: string;
}

const ErrorInfoRef = builder.objectRef<ErrorInfo>("ErrorInfo").implement({
  description: "Why something failed: a stable code and a readable message.",
  fields: (t) => ({ code: t.exposeString("code"), message: t.exposeString("message") }),
});

export const StageProgressRef = builder.objectRef<Checkpoint>("StageProgress").implement({
  description: "One stage of one document: its checkpoint.",
  fields: (t) => ({
    stage: t.field({ type: StageEnum, resolve: (row) => row.stage }),
    status: t.field({ type: StageStatusEnum, resolve: (row) => row.status }),
    attempts: t.int({ description: "Runs started, including runs cut short by a stop or a lost worker.", resolve: (row) => row.attempt }),
    failedAttempts: t.int({
      description: "Runs that failed: the stage's retry budget used (QUIRE_STAGE_MAX_ATTEMPTS). Interrupted runs do not count.",
      resolve: (row) => row.failedAttempts,
    }),
    pagesDone: t.exposeInt("pagesDone"),
    pagesTotal: t.int({ nullable: true, resolve: (row) => row.pagesTotal }),
    durationMs: t.int({ nullable: true, resolve: (row) => row.durationMs }),
    warnings: t.stringList({ resolve: (row) => row.warnings }),
    error: t.field({
      type: ErrorInfoRef,
      nullable: true,
      resolve: (row) => (row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? "" } : null),
    }),
  }),
});

type PageSummary = Pick<Page, "documentId" | "number" | "width" | "height" | "text" | "cleaned" | "markdown" | "dpiUsed"> & { hasImage: boolean };

const PageRef = builder.objectRef<PageSummary>("Page").implement({
  fields: (t) => ({
    number: t.exposeInt("number"),
    width: t.float({ nullable: true, description: "Rendered width in pixels (points when not rendered).", resolve: (page) => page.width }),
    height: t.float({ nullable: true, resolve: (page) => page.height }),
    text: t.string({ nullable: true, resolve: (page) => page.text }),
    markdown: t.string({ nullable: true, description: "Cleaned markdown (parsed markdown before CLEAN).", resolve: (page) => page.cleaned ?? page.markdown }),
    imageUrl: t.string({
      nullable: true,
      description:
        "The rendered page image (JPEG, or PNG when QUIRE_PAGE_IMAGE_FORMAT=png; the response's content-type says which), served under the same Authorization as GraphQL.",
      resolve: (page) => (page.hasImage ? `/documents/${page.documentId}/pages/${page.number}` : null),
    }),
  }),
});

const ChunkRef = builder.objectRef<Pick<Chunk, "index" | "text" | "tokenCount" | "pageStart" | "pageEnd" | "headingPath">>("Chunk").implement({
  fields: (t) => ({
    index: t.exposeInt("index"),
    text: t.exposeString("text"),
    tokenCount: t.exposeInt("tokenCount"),
    pageStart: t.exposeInt("pageStart"),
    pageEnd: t.exposeInt("pageEnd"),
    headingPath: t.exposeStringList("headingPath"),
  }),
});

export const DocumentJobRef = builder.objectRef<DocumentJob>("DocumentJob").implement({
  description: "One uploaded PDF and its way through the pipeline.",
  fields: (t) => ({
    id: t.exposeID("id"),
    filename: t.exposeString("filename"),
    sizeBytes: t.exposeInt("sizeBytes"),
    sha256: t.exposeString("sha256"),
    pageCount: t.int({ nullable: true, resolve: (doc) => doc.pageCount }),
    title: t.string({ nullable: true, resolve: (doc) => doc.title }),
    status: t.field({ type: DocumentStatusEnum, resolve: (doc) => doc.status }),
    stage: t.field({ type: StageEnum, nullable: true, description: "Current (or last) stage.", resolve: (doc) => doc.currentStage }),
    error: t.field({
      type: ErrorInfoRef,
      nullable: true,
      resolve: (doc) => (doc.errorCode ? { code: doc.errorCode, message: doc.errorMessage ?? "" } : null),
    }),
    summary: t.string({ nullable: true, resolve: (doc) => doc.summary }),
    createdAt: t.field({ type: "DateTime", resolve: (doc) => doc.createdAt }),
    startedAt: t.field({ type: "DateTime", nullable: true, resolve: (doc) => doc.startedAt }),
    finishedAt: t.field({ type: "DateTime", nullable: true, resolve: (doc) => doc.finishedAt }),
    stages: t.field({
      type: [StageProgressRef],
      resolve: (doc, _args, context) => context.loaders().checkpointsOfDocument.load(doc.id),
    }),
    progress: t.float({
      description: "0..1: planned stages done, page-level stages by their pages.",
      resolve: (doc, _args, context) => loadDocumentProgress(context.loaders(), doc),
    }),
    pages: t.field({
      type: [PageRef],
      args: { first: t.arg.int({ defaultValue: 100 }), offset: t.arg.int({ defaultValue: 0 }) },
      resolve: async (doc, args, context) => {
        const rows = await context.services().db.prisma.page.findMany({
          where: { documentId: doc.id },
          orderBy: { number: "asc" },
          skip: Math.max(0, args.offset ?? 0),
          take: Math.min(500, Math.max(0, args.first ?? 100)),
          select: { documentId: true, number: true, width: true, height: true, text: true, markdown: true, cleaned: true, dpiUsed: true, image: false },
        });
        const rendered = await context.services().db.prisma.page.findMany({
          where: { documentId: doc.id, number: { in: rows.map((row) => row.number) }, image: { not: null } },
          select: { number: true },
        });
        const withImage = new Set(rendered.map((row) => row.number));
        return rows.map((row) => ({ ...row, hasImage: withImage.has(row.number) }));
      },
    }),
    chunks: t.field({
      type: [ChunkRef],
      args: { first: t.arg.int({ defaultValue: 100 }), offset: t.arg.int({ defaultValue: 0 }) },
      resolve: (doc, args, context) =>
        context.services().db.prisma.chunk.findMany({
          where: { documentId: doc.id },
          orderBy: { index: "asc" },
          skip: Math.max(0, args.offset ?? 0),
          take: Math.min(500, Math.max(0, args.first ?? 100)),
          select: { index: true, text: true, tokenCount: true, pageStart: true, pageEnd: true, headingPath: true },
        }),
    }),
  }),
});

builder.queryField("document", (t) =>
  t.field({
    type: DocumentJobRef,
    nullable: true,
    description: "A document of yours; null for unknown ids (and for other users' documents).",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => context.services().batches.findDocument(context.viewer().userId, String(id)),
  }),
);
