import { randomUUID } from "node:crypto";
import { embedTexts } from "../generation/index.ts";
import type { EmbedFailure, EmbedStats, EmbedTextsResult } from "../generation/index.ts";
import { builder } from "./builder.ts";
import { withInputErrors } from "./generation-errors.ts";

export const EmbedStatsRef = builder.objectRef<EmbedStats>("EmbedStats").implement({
  fields: (t) => ({
    batches: t.exposeInt("batches", { description: "Provider requests made." }),
    texts: t.exposeInt("texts", { description: "Texts handled, embedded or failed." }),
    failures: t.exposeInt("failures"),
    textsPerSecond: t.exposeFloat("textsPerSecond"),
    tokensPerSecond: t.exposeFloat("tokensPerSecond"),
    totalTokens: t.exposeInt("totalTokens"),
    costUsd: t.exposeFloat("costUsd"),
    durationMs: t.exposeFloat("durationMs"),
  }),
});

const EmbedFailureRef = builder.objectRef<EmbedFailure>("EmbedFailure").implement({
  description: "A text that got no vector: its position, a stable code and a message.",
  fields: (t) => ({ index: t.exposeInt("index"), code: t.exposeString("code"), message: t.exposeString("message") }),
});

const EmbedTextsResultRef = builder.objectRef<EmbedTextsResult>("EmbedTextsResult").implement({
  fields: (t) => ({
    vectors: t.field({
      type: t.listRef(t.listRef("Float"), { nullable: true }),
      description: "One vector per text, in input order; null where that text failed (see failures).",
      resolve: (result) => result.vectors,
    }),
    failures: t.field({ type: [EmbedFailureRef], resolve: (result) => result.failures }),
    stats: t.field({ type: EmbedStatsRef, resolve: (result) => result.stats }),
  }),
});

builder.mutationField("embedTexts", (t) =>
  t.field({
    type: EmbedTextsResultRef,
    description:
      "Embeds texts (at most 10,000) in provider requests of at most batchSize (1..2048) inputs. A failed request fails only its own texts. For large inputs use embedFile.",
    args: { texts: t.arg.stringList({ required: true }), batchSize: t.arg.int({ defaultValue: 32 }) },
    resolve: (_root, args, context) =>
      withInputErrors(() =>
        embedTexts({ gateway: context.services().gateway, logger: context.logger }, args.texts, {
          batchSize: args.batchSize ?? undefined,
          userId: context.viewer().userId,
          subjectId: randomUUID(),
        }),
      ),
  }),
);
