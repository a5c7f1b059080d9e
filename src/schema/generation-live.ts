import { streamGenerateBatch } from "../generation/index.ts";
import type { BatchEvent } from "../generation/index.ts";
import { builder } from "./builder.ts";
import { FormFieldResponseRef, GenerateBatchSummaryRef, generateBatchArgs, generationRun, toGenerateBatchInput } from "./generation.ts";
import { withInputErrorsStream } from "./generation-errors.ts";

const GenerateBatchEventKind = builder.enumType("GenerateBatchEventKind", { values: ["FIELD", "SUMMARY"] as const });

const GenerateBatchEventRef = builder.objectRef<BatchEvent>("GenerateBatchEvent").implement({
  description: "FIELD: one field finished (index and response). SUMMARY: the batch's totals, always the last event.",
  fields: (t) => ({
    kind: t.field({ type: GenerateBatchEventKind, resolve: (event) => (event.kind === "field" ? "FIELD" : "SUMMARY") }),
    index: t.int({
      nullable: true,
      description: "The field's position in the request's fields.",
      resolve: (event) => (event.kind === "field" ? event.index : null),
    }),
    response: t.field({ type: FormFieldResponseRef, nullable: true, resolve: (event) => (event.kind === "field" ? event.response : null) }),
    summary: t.field({ type: GenerateBatchSummaryRef, nullable: true, resolve: (event) => (event.kind === "summary" ? event.summary : null) }),
  }),
});

builder.subscriptionField("generateBatchLive", (t) =>
  t.field({
    type: GenerateBatchEventRef,
    description:
      "generateBatch as a stream: each field's response as it finishes (EXTRACTED ones first), then the summary, then the subscription completes. Unsubscribing cancels the calls still outstanding.",
    args: generateBatchArgs,
    subscribe: (_root, args, context) => {
      const run = generationRun(context);
      return withInputErrorsStream(streamGenerateBatch(run.deps, toGenerateBatchInput(args), run.options));
    },
    resolve: (event) => event,
  }),
);
