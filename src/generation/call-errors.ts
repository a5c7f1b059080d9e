import { ProviderError } from "../providers/provider-types.ts";
import type { FieldError } from "./form-field-types.ts";

/**
 * Turns whatever a gateway call threw into a code and a message safe to show the user.
 * ProviderError messages are written for users (the gateway never puts keys or raw bodies in
 * them); anything else is an unexpected bug whose message may leak internals, so it is replaced.
 */
export function toCallError(error: unknown, signal?: AbortSignal): FieldError {
  if (signal?.aborted) return { code: "ABORTED", message: "The request was cancelled" };
  if (error instanceof ProviderError) return { code: error.code, message: error.message };
  return { code: "GENERATION_FAILED", message: "The model call failed unexpectedly" };
}

/**
 * Runs `call`, settling as soon as `signal` aborts even if the callee ignores the signal, so a
 * cancelled request stops waiting at once. The call itself gets the signal too.
 */
export async function withAbort<T>(signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
  if (!signal) return call();
  signal.throwIfAborted();
  const { promise: aborted, reject } = Promise.withResolvers<never>();
  const onAbort = () => reject(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    return await Promise.race([call(), aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
