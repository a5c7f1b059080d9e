import { GraphQLError } from "graphql";

/** No key, or a key that is malformed, unknown or revoked: HTTP 401. */
export function unauthenticatedError(message = "A valid API key is required: send Authorization: Bearer <key>."): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: "UNAUTHENTICATED",
      http: { status: 401, headers: { "www-authenticate": 'Bearer realm="quire"' } },
    },
  });
}

/** The user's request quota is spent: HTTP 429 with Retry-After, and the wait in extensions. */
export function rateLimitedError(retryAfterMs: number): GraphQLError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new GraphQLError(`Too many requests for this user; retry in ${retryAfterSeconds} s.`, {
    extensions: {
      code: "RATE_LIMITED",
      retryAfterSeconds,
      retryAfterMs: Math.max(0, Math.ceil(retryAfterMs)),
      http: { status: 429, headers: { "retry-after": String(retryAfterSeconds) } },
    },
  });
}
