import { ProviderError } from "./provider-types.ts";
import type { ProviderName } from "./provider-types.ts";

/** What an adapter learnt from a failed HTTP response, without the body's free text. */
export interface HttpFailure {
  provider: ProviderName;
  status: number;
  headers: Headers | undefined;
  /** The provider said the account is out of credit or over its spend limit. */
  spendLimit: boolean;
  /** The provider's machine-readable error type or code, if any (e.g. "insufficient_quota"). */
  errorType?: string | null | undefined;
  requestId?: string | null | undefined;
}

/**
 * Milliseconds to wait before retrying, from `retry-after-ms` (OpenAI, Anthropic) or
 * `Retry-After` (seconds or an HTTP date). Undefined when absent or unparsable.
 */
export function parseRetryAfter(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "") {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return Math.ceil(value);
  }
  const after = headers.get("retry-after");
  if (after === null || after.trim() === "") return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Maps an HTTP error status (plus the adapter's spend-limit verdict) to a ProviderError. */
export function errorFromHttpFailure(failure: HttpFailure): ProviderError {
  const { provider, status, headers } = failure;
  const where = describe(failure);
  const retryAfterMs = parseRetryAfter(headers);
  if (failure.spendLimit || status === 402) {
    return new ProviderError("PROVIDER_SPEND_LIMIT", `${provider} refused the call: quota or spend limit reached ${where}`, {
      status,
    });
  }
  if (status === 429) {
    return new ProviderError("PROVIDER_RATE_LIMITED", `${provider} rate limit hit ${where}`, {
      status,
      retryable: true,
      retryAfterMs,
    });
  }
  if (status === 408) {
    return new ProviderError("PROVIDER_TIMEOUT", `${provider} timed out ${where}`, { status, retryable: true });
  }
  if (status === 409 || status >= 500) {
    return new ProviderError("PROVIDER_UNAVAILABLE", `${provider} is unavailable or overloaded ${where}`, {
      status,
      retryable: true,
      retryAfterMs,
    });
  }
  if (status === 401 || status === 403) {
    return new ProviderError("PROVIDER_AUTH_FAILED", `${provider} rejected the credentials ${where}`, { status });
  }
  if (status === 404) {
    return new ProviderError("PROVIDER_UNKNOWN_MODEL", `${provider} does not know the model or endpoint ${where}`, {
      status,
    });
  }
  return new ProviderError("PROVIDER_BAD_REQUEST", `${provider} rejected the request ${where}`, { status });
}

/** The caller aborted (or the gateway's timeout fired; the gateway tells the two apart). */
export function abortedError(provider: ProviderName): ProviderError {
  return new ProviderError("PROVIDER_ABORTED", `${provider} call aborted`);
}

/** No response within the per-attempt timeout. */
export function timeoutError(provider: ProviderName, timeoutMs?: number): ProviderError {
  const after = timeoutMs === undefined ? "" : ` after ${timeoutMs} ms`;
  return new ProviderError("PROVIDER_TIMEOUT", `${provider} call timed out${after}`, { retryable: true });
}

/**
 * The connection failed or dropped. Only the system error code (ECONNRESET, ECONNREFUSED...)
 * is kept: the raw error may quote URLs with credentials in them.
 */
export function connectionError(provider: ProviderName, cause: unknown): ProviderError {
  const code = systemErrorCode(cause);
  return new ProviderError("PROVIDER_CONNECTION_FAILED", `${provider} connection failed${code ? ` (${code})` : ""}`, {
    retryable: true,
  });
}

/** The provider answered 2xx with something unusable. */
export function invalidOutputError(provider: ProviderName, what: string): ProviderError {
  return new ProviderError("PROVIDER_INVALID_OUTPUT", `${provider} returned ${what}`);
}

function describe(failure: HttpFailure): string {
  const parts = [`HTTP ${failure.status}`];
  const type = safeToken(failure.errorType);
  if (type) parts.push(type);
  const requestId = safeToken(failure.requestId);
  if (requestId) parts.push(`request ${requestId}`);
  return `(${parts.join(", ")})`;
}

// Provider type/code/request-id values are enumerations, but a compatible server could put
// anything there: only short identifier-like strings make it into our messages.
function safeToken(value: string | null | undefined): string | null {
  return typeof value === "string" && /^[A-Za-z0-9_.:-]{1,64}$/.test(value) ? value : null;
}

function systemErrorCode(error: unknown): string | null {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^(E[A-Z_]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}
