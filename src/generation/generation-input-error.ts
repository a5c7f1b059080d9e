import type { z } from "zod";

/** One problem with a generation request: where it is (e.g. ["fields", 3, "options"]) and what is wrong. */
export interface InputIssue {
  path: Array<string | number>;
  message: string;
}

/**
 * Invalid input to a generation service. Expected, not a bug: the resolver maps it to a
 * GraphQLError with `extensions.code` = `code` and the issues in `extensions.issues`.
 * Every issue is reported at once so a client can fix its request in one round trip.
 */
export class GenerationInputError extends Error {
  readonly code = "BAD_USER_INPUT";
  readonly issues: InputIssue[];

  constructor(issues: InputIssue[]) {
    super(issues.map((issue) => issue.message).join("; "));
    this.name = "GenerationInputError";
    this.issues = issues;
  }
}

/**
 * Turns zod issues into InputIssues. `describe` may prefix a message with a readable name for
 * the item at that path (a field's id), because "fields.17.options" alone is hard to act on.
 */
export function issuesFromZod(
  error: z.ZodError,
  describe: (path: ReadonlyArray<PropertyKey>) => string | undefined = () => undefined,
): InputIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.filter((part): part is string | number => typeof part !== "symbol");
    const subject = describe(issue.path);
    return { path, message: subject ? `${subject}: ${issue.message}` : issue.message };
  });
}

/** Parses `raw` with `schema` or throws a GenerationInputError listing every issue. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  describe?: (path: ReadonlyArray<PropertyKey>) => string | undefined,
): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new GenerationInputError(issuesFromZod(parsed.error, describe));
  return parsed.data;
}
