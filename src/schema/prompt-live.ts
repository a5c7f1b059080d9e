import { streamGeneratePrompts } from "../generation/index.ts";
import type { PromptEvent } from "../generation/index.ts";
import { builder } from "./builder.ts";
import { withInputErrorsStream } from "./generation-errors.ts";
import { PromptBatchSummaryRef, PromptResultRef, promptRun } from "./prompt.ts";
import { promptArgs } from "./prompt-input.ts";

const PromptEventKind = builder.enumType("PromptEventKind", { values: ["RESULT", "SUMMARY"] as const });

const PromptEventRef = builder.objectRef<PromptEvent>("PromptEvent").implement({
  description: "RESULT: one prompt finished. SUMMARY: the totals, always the last event.",
  fields: (t) => ({
    kind: t.field({ type: PromptEventKind, resolve: (event) => (event.kind === "result" ? "RESULT" : "SUMMARY") }),
    result: t.field({ type: PromptResultRef, nullable: true, resolve: (event) => (event.kind === "result" ? event.result : null) }),
    summary: t.field({ type: PromptBatchSummaryRef, nullable: true, resolve: (event) => (event.kind === "summary" ? event.summary : null) }),
  }),
});

builder.subscriptionField("generatePromptsLive", (t) =>
  t.field({
    type: PromptEventRef,
    description:
      "generatePrompts as a stream: each prompt's result as it finishes (its index says where it belongs), then the summary, then the subscription completes. Unsubscribing cancels the prompts still outstanding.",
    args: promptArgs,
    subscribe: (_root, args, context) => {
      const run = promptRun(context, args);
      return withInputErrorsStream(streamGeneratePrompts(run.deps, run.prompts, run.options));
    },
    resolve: (event) => event,
  }),
);
