import { DomainError } from "../errors/domain-errors.ts";

/** No key, or a key that is malformed, unknown or revoked (HTTP 401: see src/schema/error-mapping.ts). */
export class UnauthenticatedError extends DomainError {
  constructor(message = "A valid API key is required: send Authorization: Bearer <key>.") {
    super("UNAUTHENTICATED", message);
    this.name = "UnauthenticatedError";
  }
}

/** The user's request quota is spent (HTTP 429 with Retry-After); the wait travels in the details. */
export class RateLimitedError extends DomainError {
  constructor(retryAfterMs: number) {
    const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super("RATE_LIMITED", `Too many requests for this user; retry in ${retryAfterSeconds} s.`, {
      retryAfterSeconds,
      retryAfterMs: Math.max(0, Math.ceil(retryAfterMs)),
    });
    this.name = "RateLimitedError";
  }
}
