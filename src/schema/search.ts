import { searchChunks, type SearchHit } from "../search/search-service.ts";
import { builder } from "./builder.ts";

const SearchHitRef = builder.objectRef<SearchHit>("SearchHit").implement({
  fields: (t) => ({
    documentId: t.exposeID("documentId"),
    filename: t.exposeString("filename"),
    chunkIndex: t.exposeInt("chunkIndex"),
    text: t.exposeString("text"),
    pageStart: t.exposeInt("pageStart"),
    pageEnd: t.exposeInt("pageEnd"),
    score: t.exposeFloat("score", { description: "Cosine similarity, -1..1." }),
  }),
});

builder.queryField("search", (t) =>
  t.field({
    type: [SearchHitRef],
    description: "Top-k chunks of your processed documents by embedding similarity, with document and pages.",
    args: { query: t.arg.string({ required: true }), batchId: t.arg.id(), k: t.arg.int({ defaultValue: 10 }) },
    resolve: (_root, args, context) => {
      const services = context.services();
      return searchChunks({ prisma: services.db.prisma, gateway: services.gateway }, context.viewer().userId, {
        query: args.query,
        batchId: args.batchId ? String(args.batchId) : null,
        k: args.k ?? 10,
      });
    },
  }),
);
