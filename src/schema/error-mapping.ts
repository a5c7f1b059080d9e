import { GraphQLError } from "graphql";
import type { MaskError } from "graphql-yoga";
import { DomainError } from "../errors/domain-errors.ts";
import { maskUnexpectedError } from "../http/error-mask.ts";
import { ProviderError } from "../providers/provider-types.ts";

/**
 * The one place expected failures become GraphQL errors: domain error classes keep their code,
 * message and details; a provider failure (search with the provider down, ...) keeps its
 * PROVIDER_* code and safe message. Undefined for everything else, which stays masked.
 */
export function expectedErrorExtensions(error: unknown): { message: string; extensions: Record<string, unknown> } | undefined {
  if (error instanceof DomainError) return { message: error.message, extensions: { ...error.details, code: error.code } };
  if (error instanceof ProviderError) {
    return {
      message: error.message,
      extensions: { code: error.code, ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) },
    };
  }
  return undefined;
}

/**
 * Yoga's `maskedErrors.maskError` (HTTP, SSE and graphql-ws alike): expected failures are shown
 * with their code; everything else goes to maskUnexpectedError (a database outage answers 503,
 * the rest is masked as Yoga does by default).
 */
export const maskQuireError: MaskError = (error, message, isDev) => {
  if (error instanceof GraphQLError) {
    const expected = expectedErrorExtensions(error.originalError);
    if (expected) {
      return new GraphQLError(expected.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        extensions: { ...error.extensions, ...expected.extensions },
      });
    }
  }
  return maskUnexpectedError(error, message, isDev);
};
