import { GraphQLError } from "graphql";
import { GenerationInputError } from "../generation/index.ts";
import type { FieldError } from "../generation/index.ts";
import { builder } from "./builder.ts";

/** A model call's failure, as generation results carry it. */
export const CallErrorRef = builder.objectRef<FieldError>("CallError").implement({
  description:
    "Why a field, prompt, run or text failed: a stable code (a PROVIDER_* code, ABORTED, INVALID_ANSWER, NO_ANSWER, EMBED_INPUT_TOO_LONG, GENERATION_FAILED, ...) and a message safe to show.",
  fields: (t) => ({ code: t.exposeString("code"), message: t.exposeString("message") }),
});

/** GenerationInputError as the GraphQL error clients see: BAD_USER_INPUT with every issue. */
function toGraphQLError(error: unknown): unknown {
  if (!(error instanceof GenerationInputError)) return error;
  return new GraphQLError(error.message, { extensions: { code: error.code, issues: error.issues } });
}

/** Runs a generation service call, turning invalid input into BAD_USER_INPUT (other errors pass). */
export async function withInputErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toGraphQLError(error);
  }
}

/**
 * The same for a subscription's source stream (its first next() validates the input). A plain
 * iterator rather than an async generator, so return() reaches the stream at once.
 */
export function withInputErrorsStream<T>(stream: AsyncIterator<T, void> & { return(): Promise<IteratorReturnResult<void>> }): AsyncIterableIterator<T, void> {
  const mapped: AsyncIterableIterator<T, void> = {
    next: async () => {
      try {
        return await stream.next();
      } catch (error) {
        throw toGraphQLError(error);
      }
    },
    return: () => stream.return(),
    [Symbol.asyncIterator]: () => mapped,
  };
  return mapped;
}
