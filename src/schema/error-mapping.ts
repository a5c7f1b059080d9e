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
  if (error instanceof DomainError) {
    const http = httpOf(error);
    return { message: error.message, extensions: { ...error.details, code: error.code, ...(http ? { http } : {}) } };
  }
  if (error instanceof ProviderError) {
    return {
      message: error.message,
      extensions: { code: error.code, ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) },
    };
  }
  return undefined;
}

/**
 * The HTTP answer of the domain errors that can end a request before execution (Yoga reads
 * `extensions.http`): a missing or bad key, a spent quota, a refused upload.
 */
function httpOf(error: DomainError): { status: number; headers?: Record<string, string> } | undefined {
  switch (error.code) {
    case "UNAUTHENTICATED":
      return { status: 401, headers: { "www-authenticate": 'Bearer realm="quire"' } };
    case "RATE_LIMITED":
      return { status: 429, headers: { "retry-after": String(error.details.retryAfterSeconds) } };
    case "INVALID_UPLOAD": {
      const issues = (error.details.issues ?? []) as { code: string }[];
      return { status: issues.some((issue) => issue.code === "FILE_TOO_LARGE") ? 413 : 400 };
    }
    default:
      return undefined;
  }
}

/** The GraphQL error clients see for an expected failure, or undefined when `error` is not one. */
export function expectedGraphQLError(error: unknown): GraphQLError | undefined {
  const original = error instanceof GraphQLError ? error.originalError : error;
  const expected = expectedErrorExtensions(original);
  if (!expected) return undefined;
  const located = error instanceof GraphQLError ? error : undefined;
  return new GraphQLError(expected.message, {
    nodes: located?.nodes,
    source: located?.source,
    positions: located?.positions,
    path: located?.path,
    extensions: { ...located?.extensions, ...expected.extensions },
  });
}

/**
 * Yoga's `maskedErrors.maskError` (HTTP, SSE and graphql-ws alike): expected failures are shown
 * with their code; everything else goes to maskUnexpectedError (a database outage answers 503,
 * the rest is masked as Yoga does by default).
 */
export const maskQuireError: MaskError = (error, message, isDev) =>
  // A domain error thrown before execution (authentication, quota, upload parsing) arrives
  // bare; during execution it arrives wrapped in a located GraphQLError. Both map the same way.
  expectedGraphQLError(error) ?? maskUnexpectedError(error, message, isDev);
