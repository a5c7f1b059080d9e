import { GraphQLError } from "graphql";
import { maskError } from "graphql-yoga";
import { isDatabaseUnavailable } from "../db/database-unavailable.ts";

/**
 * Yoga's error mask plus one expected outage: a database that cannot be reached answers
 * SERVICE_UNAVAILABLE with HTTP 503 (retry later), not a masked 500. Used for HTTP, SSE and
 * graphql-ws alike.
 */
export function maskUnexpectedError(error: unknown, message: string, isDev = false): Error {
  if (isDatabaseUnavailable(error)) {
    return new GraphQLError("The database is unavailable; try again shortly.", {
      extensions: { code: "SERVICE_UNAVAILABLE", http: { status: 503 } },
    });
  }
  return maskError(error, message, isDev);
}
