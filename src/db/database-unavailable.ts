/**
 * Recognises "the database is not there right now" (server down, restarting, connection cut)
 * as opposed to a bug or a bad query, through Prisma's wrapping (codes and the driver
 * adapter's cause) and raw pg/network errors. Such failures answer 503, not 500.
 */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
// Class 08 (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect now), 53300.
const SQLSTATE = /^(08...|57P0[123]|53300)$/;
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND"]);
const PG_MESSAGES = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/;

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  originalError?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown } } };
}

function matches(error: ErrorLike): boolean {
  const code = typeof error.code === "string" ? error.code : undefined;
  if (code && (PRISMA_CODES.has(code) || NETWORK_CODES.has(code) || SQLSTATE.test(code))) return true;
  const adapter = error.meta?.driverAdapterError?.cause;
  if (adapter && typeof adapter.kind === "string" && ADAPTER_KINDS.has(adapter.kind)) return true;
  if (adapter && typeof adapter.code === "string" && SQLSTATE.test(adapter.code)) return true;
  return typeof error.message === "string" && PG_MESSAGES.test(error.message);
}

/** True when `error` (or anything it wraps) says the database is unreachable. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (!current || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    const candidate = current as ErrorLike;
    if (matches(candidate)) return true;
    queue.push(candidate.cause, candidate.originalError);
    if (current instanceof AggregateError) queue.push(...(current.errors as unknown[]));
  }
  return false;
}
