import { randomUUID } from "node:crypto";
import { FIELD_TYPES, generateBatch } from "../generation/index.ts";
import type { BatchSummary, FieldResponse, GenerateBatchInput, GenerateBatchResult } from "../generation/index.ts";
import { builder } from "./builder.ts";
import type { GraphQLContext } from "./context.ts";
import { CallErrorRef, withInputErrors } from "./generation-errors.ts";

const FormFieldTypeEnum = builder.enumType("FormFieldType", { values: FIELD_TYPES });

const FormFieldSourceEnum = builder.enumType("FormFieldSource", {
  description: "EXTRACTED: from the profile, no model call. CACHED: the response cache answered. GENERATED: a model call. FAILED: see error.",
  values: ["EXTRACTED", "CACHED", "GENERATED", "FAILED"] as const,
});

const FormFieldInputRef = builder.inputType("FormFieldInput", {
  description: "A form field to fill. SELECT and RADIO need options; options turn a CHECKBOX into a multi-choice group.",
  fields: (t) => ({
    id: t.string({ required: true, description: "Unique within the request; echoed as fieldId." }),
    label: t.string({ required: true }),
    type: t.field({ type: FormFieldTypeEnum, required: true }),
    options: t.stringList(),
    maxLength: t.int({ description: "Longest value in UTF-16 code units, like HTML's maxlength." }),
    required: t.boolean(),
    hint: t.string(),
  }),
});

export const FormFieldResponseRef = builder.objectRef<FieldResponse>("FormFieldResponse").implement({
  fields: (t) => ({
    fieldId: t.exposeString("fieldId"),
    value: t.exposeString("value", {
      description: "CHECKBOX: true/false, or a JSON array of the chosen options. DATE: YYYY-MM-DD unless the hint asks otherwise. Empty when FAILED.",
    }),
    source: t.field({ type: FormFieldSourceEnum, resolve: (response) => response.source }),
    cached: t.exposeBoolean("cached"),
    tokens: t.exposeInt("tokens", { description: "Input plus output tokens (0 for EXTRACTED and CACHED)." }),
    costUsd: t.exposeFloat("costUsd"),
    latencyMs: t.exposeFloat("latencyMs"),
    error: t.field({ type: CallErrorRef, nullable: true, resolve: (response) => response.error }),
    notes: t.exposeStringList("notes", { description: "Adjustments made to the answer (option match, trimming, normalisation)." }),
  }),
});

export const GenerateBatchSummaryRef = builder.objectRef<BatchSummary>("GenerateBatchSummary").implement({
  fields: (t) => ({
    totalFields: t.exposeInt("totalFields"),
    totalTokens: t.exposeInt("totalTokens"),
    totalCostUsd: t.exposeFloat("totalCostUsd"),
    cachedCount: t.exposeInt("cachedCount"),
    extractedCount: t.exposeInt("extractedCount"),
    generatedCount: t.exposeInt("generatedCount"),
    failedCount: t.exposeInt("failedCount"),
    totalTimeMs: t.exposeFloat("totalTimeMs"),
    parallelEfficiency: t.exposeFloat("parallelEfficiency", {
      description: "Busy call time over wall time × min(maxParallel, calls): 1 means every allowed slot was busy throughout.",
    }),
  }),
});

const GenerateBatchResultRef = builder.objectRef<GenerateBatchResult & { runId: string }>("GenerateBatchResult").implement({
  fields: (t) => ({
    runId: t.exposeID("runId", { description: "The run's subject id in the provider-call ledger." }),
    responses: t.field({ type: [FormFieldResponseRef], description: "In input order.", resolve: (result) => result.responses }),
    summary: t.field({ type: GenerateBatchSummaryRef, resolve: (result) => result.summary }),
  }),
});

/** The arguments of generateBatch and generateBatchLive. */
export const generateBatchArgs = builder.args((t) => ({
  fields: t.field({ type: [FormFieldInputRef], required: true }),
  profile: t.field({ type: "JSON", description: "The applicant, as a JSON object of any common shape." }),
  context: t.field({ type: "JSON", description: "{ company, role, description }: what the form is for." }),
  maxParallel: t.int({ defaultValue: 5, description: "Model calls in flight at once for this request, 1..50." }),
}));

type GenerateBatchArgs = {
  fields: ReadonlyArray<{
    id: string;
    label: string;
    type: (typeof FIELD_TYPES)[number];
    options?: readonly string[] | null;
    maxLength?: number | null;
    required?: boolean | null;
    hint?: string | null;
  }>;
  profile?: unknown;
  context?: unknown;
  maxParallel?: number | null;
};

/** GraphQL arguments as generateBatch's input (nulls become absent; the service validates shapes). */
export function toGenerateBatchInput(args: GenerateBatchArgs): GenerateBatchInput {
  return {
    fields: args.fields.map((field) => ({
      id: field.id,
      label: field.label,
      type: field.type,
      ...(field.options == null ? {} : { options: [...field.options] }),
      ...(field.maxLength == null ? {} : { maxLength: field.maxLength }),
      ...(field.required == null ? {} : { required: field.required }),
      ...(field.hint == null ? {} : { hint: field.hint }),
    })),
    profile: (args.profile ?? null) as Record<string, unknown> | null,
    context: args.context ?? null,
    ...(args.maxParallel == null ? {} : { maxParallel: args.maxParallel }),
  };
}

/** Dependencies and per-request options shared by generateBatch and generateBatchLive. */
export function generationRun(context: GraphQLContext) {
  const services = context.services();
  const runId = randomUUID();
  return {
    runId,
    deps: { gateway: services.gateway, logger: context.logger },
    options: { maxFields: services.config.maxFields, userId: context.viewer().userId, subjectId: runId },
  };
}

builder.mutationField("generateBatch", (t) =>
  t.field({
    type: GenerateBatchResultRef,
    description:
      "Fills form fields: from the profile when it answers them (EXTRACTED), otherwise one model call each, at most maxParallel at once. A failing field is FAILED; the others still complete. Invalid input: BAD_USER_INPUT with extensions.issues.",
    args: generateBatchArgs,
    resolve: async (_root, args, context) => {
      const run = generationRun(context);
      const result = await withInputErrors(() => generateBatch(run.deps, toGenerateBatchInput(args), run.options));
      return { ...result, runId: run.runId };
    },
  }),
);
