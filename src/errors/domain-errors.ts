/**
 * Expected failures of the domain: a stable `code` clients may branch on, a message safe to
 * show, and optional `details` (issues, limits) that travel as GraphQL extensions. Domain code
 * throws these and never imports `graphql`; src/schema/error-mapping.ts turns them into the
 * GraphQL errors clients see, in one place. Anything else thrown is unexpected and masked.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.details = details;
  }
}

/** An id that is unknown, or belongs to another user (the two are indistinguishable). */
export class NotFoundError extends DomainError {
  constructor(what: string) {
    super("NOT_FOUND", `${what} not found`);
    this.name = "NotFoundError";
  }
}

/** An argument outside what the operation accepts; the message names it. */
export class InvalidInputError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("BAD_USER_INPUT", message, details);
    this.name = "InvalidInputError";
  }
}

/** A per-user limit (concurrent batches, jobs) is reached. */
export class QuotaExceededError extends DomainError {
  constructor(message: string) {
    super("QUOTA_EXCEEDED", message);
    this.name = "QuotaExceededError";
  }
}
