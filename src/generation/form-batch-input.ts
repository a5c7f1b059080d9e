import { z } from "zod";
import { FIELD_TYPES } from "./form-field-types.ts";
import type { FieldType, FormFieldInput, GenerationContext } from "./form-field-types.ts";
import { GenerationInputError, issuesFromZod } from "./generation-input-error.ts";
import type { InputIssue } from "./generation-input-error.ts";
import { nestedDeeperThan } from "./json-depth.ts";

/** Deeper profiles are refused before anything walks them (no real profile nests past a handful). */
export const MAX_PROFILE_DEPTH = 32;

/** The request generateBatch accepts, before validation. */
export interface GenerateBatchInput {
  fields: FormFieldInput[];
  /** Arbitrary JSON about the applicant; see profile-extractor.ts for the shapes understood. */
  profile?: Record<string, unknown> | null;
  context?: GenerationContext | null;
  /** Most model calls in flight at once for this request; 1..50, default 5. */
  maxParallel?: number;
}

/** Limits that are options rather than rules, so deployments and tests can change them. */
export interface BatchInputLimits {
  /** Default 200. */
  maxFields?: number;
  /** Size of the profile as JSON, in characters; it is sent with every call. Default 100,000. */
  maxProfileChars?: number;
}

/** A validated request: defaults applied, strings trimmed. */
export interface ParsedBatchInput {
  fields: FormFieldInput[];
  profile: Record<string, unknown>;
  context: GenerationContext;
  maxParallel: number;
}

const CHOICE_TYPES: ReadonlySet<FieldType> = new Set(["SELECT", "RADIO", "CHECKBOX"]);

const fieldSchema = z
  .object({
    id: z.string().trim().min(1, "id must not be empty").max(200, "id is longer than 200 characters"),
    label: z.string().trim().min(1, "label must not be empty").max(1000, "label is longer than 1000 characters"),
    type: z.enum(FIELD_TYPES, {
      error: (issue) => `unknown type ${JSON.stringify(issue.input)}; expected one of ${FIELD_TYPES.join(", ")}`,
    }),
    options: z
      .array(z.string().trim().min(1, "options must not contain empty strings").max(500, "an option is longer than 500 characters"))
      .max(500, "more than 500 options")
      .optional(),
    maxLength: z
      .int("maxLength must be a whole number")
      .positive("maxLength must be greater than 0")
      .max(1_000_000, "maxLength must be at most 1,000,000")
      .optional(),
    required: z.boolean().optional(),
    hint: z.string().trim().max(2000, "hint is longer than 2000 characters").optional(),
  })
  .superRefine((field, ctx) => {
    const isChoice = CHOICE_TYPES.has(field.type);
    if ((field.type === "SELECT" || field.type === "RADIO") && (field.options?.length ?? 0) === 0) {
      ctx.addIssue({ code: "custom", path: ["options"], message: `${field.type} fields need at least one option` });
    }
    if (field.type === "CHECKBOX" && field.options?.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["options"],
        message: "CHECKBOX options must not be empty (omit options for a single yes/no checkbox)",
      });
    }
    if (!isChoice && field.options !== undefined) {
      ctx.addIssue({ code: "custom", path: ["options"], message: `options do not apply to ${field.type} fields` });
    }
    if (isChoice && field.maxLength !== undefined) {
      ctx.addIssue({ code: "custom", path: ["maxLength"], message: `maxLength does not apply to ${field.type} fields` });
    }
    const seen = new Set<string>();
    for (const [index, option] of (field.options ?? []).entries()) {
      if (seen.has(option)) {
        ctx.addIssue({ code: "custom", path: ["options", index], message: `option ${JSON.stringify(option)} is listed twice` });
      }
      seen.add(option);
    }
  });

const contextSchema = z.object({
  company: z.string().trim().max(500, "company is longer than 500 characters").optional(),
  role: z.string().trim().max(500, "role is longer than 500 characters").optional(),
  description: z.string().trim().max(20_000, "description is longer than 20,000 characters").optional(),
});

function batchSchema(maxFields: number, maxProfileChars: number) {
  return z.object({
    fields: z
      .array(fieldSchema, "fields must be a list")
      .min(1, "fields must contain at least one field")
      .max(maxFields, `fields may contain at most ${maxFields} fields`),
    profile: z
      .record(z.string(), z.unknown(), "profile must be a JSON object")
      .nullish()
      .transform((profile) => profile ?? {})
      .refine((profile) => JSON.stringify(profile).length <= maxProfileChars, {
        message: `profile is larger than ${maxProfileChars} characters of JSON`,
      }),
    context: contextSchema.nullish().transform((context) => context ?? {}),
    maxParallel: z
      .int("maxParallel must be a whole number")
      .min(1, "maxParallel must be at least 1")
      .max(50, "maxParallel must be at most 50")
      .default(5),
  });
}

/**
 * Validates a generateBatch request. Throws GenerationInputError listing every problem; field
 * problems name the field by id ("Field \"country\": SELECT fields need at least one option").
 */
export function parseGenerateBatchInput(raw: unknown, limits: BatchInputLimits = {}): ParsedBatchInput {
  const schema = batchSchema(limits.maxFields ?? 200, limits.maxProfileChars ?? 100_000);
  const describe = (path: ReadonlyArray<PropertyKey>) => describeFieldPath(raw, path);
  const profile = (raw as { profile?: unknown } | null)?.profile;
  if (nestedDeeperThan(profile, MAX_PROFILE_DEPTH)) {
    throw new GenerationInputError([{ path: ["profile"], message: `profile is nested deeper than ${MAX_PROFILE_DEPTH} levels` }]);
  }
  const parsed = schema.safeParse(raw);
  // Checked on the raw list so duplicates are reported even when other fields are invalid.
  const issues = [...(parsed.success ? [] : issuesFromZod(parsed.error, describe)), ...duplicateIdIssues(raw)];
  if (issues.length > 0 || !parsed.success) throw new GenerationInputError(issues);
  return parsed.data;
}

function duplicateIdIssues(raw: unknown): InputIssue[] {
  const fields = (raw as { fields?: unknown } | null)?.fields;
  if (!Array.isArray(fields)) return [];
  const firstIndex = new Map<string, number>();
  const issues: InputIssue[] = [];
  for (const [index, field] of fields.entries()) {
    const id = (field as { id?: unknown } | null)?.id;
    if (typeof id !== "string" || id.trim() === "") continue;
    const first = firstIndex.get(id.trim());
    if (first === undefined) firstIndex.set(id.trim(), index);
    else issues.push({ path: ["fields", index, "id"], message: `Field ${JSON.stringify(id.trim())}: duplicate id (also used by fields[${first}])` });
  }
  return issues;
}

function describeFieldPath(raw: unknown, path: ReadonlyArray<PropertyKey>): string | undefined {
  const [root, index] = path;
  if (root !== "fields" || typeof index !== "number") return undefined;
  const fields = (raw as { fields?: unknown } | null)?.fields;
  const field: unknown = Array.isArray(fields) ? fields[index] : undefined;
  const id = (field as { id?: unknown } | undefined)?.id;
  return typeof id === "string" && id.trim() !== "" ? `Field ${JSON.stringify(id.trim())}` : `fields[${index}]`;
}
