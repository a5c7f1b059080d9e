import { ProviderError } from "./provider-types.ts";
import type { ProviderName } from "./provider-types.ts";

/** Fallback models per purpose: exact purpose, then its domain ("generation"), then "*". */
export type FallbackTable = Record<string, string[]>;

/** A provider+model a call can go to. */
export interface CallTarget {
  provider: ProviderName;
  model: string;
}

/** Chooses where a call goes when models fail, and remembers which ones are cooling down. */
export interface FallbackRouter {
  /** The primary, then the purpose's fallbacks, minus duplicates and models cooling down (the last one is always kept). */
  candidates(purpose: string, primary: CallTarget): CallTarget[];
  /** Whether a failure should move the call on to the next candidate (and cool the model down). */
  shouldFallBack(error: unknown): boolean;
  coolDown(target: CallTarget): void;
}

/**
 * An ordered fallback list per purpose with a cooldown per model, as LiteLLM's router does: a
 * model that kept failing with retryable errors (its retries exhausted) or is overloaded is
 * skipped for `cooldownMs`, so later calls go straight to the next model instead of paying
 * the failing one's retries again. Entries are "provider:model" or a model name, which goes
 * to the provider that owns it (`resolve`). State is per process.
 */
export function createFallbackRouter(options: {
  table: FallbackTable;
  cooldownMs: number;
  resolve: (provider: ProviderName | undefined, model: string) => CallTarget;
  now?: () => number;
}): FallbackRouter {
  const now = options.now ?? Date.now;
  const coolingUntil = new Map<string, number>();
  const keyOf = (target: CallTarget) => `${target.provider}:${target.model}`;
  const parse = (entry: string): CallTarget => {
    const [first, ...rest] = entry.split(":");
    return rest.length > 0 && (first === "openai" || first === "anthropic" || first === "local")
      ? options.resolve(first, rest.join(":"))
      : options.resolve(undefined, entry);
  };
  const listFor = (purpose: string) =>
    options.table[purpose] ?? options.table[purpose.split(".")[0] ?? purpose] ?? options.table["*"] ?? [];

  return {
    candidates(purpose, primary) {
      const seen = new Set<string>();
      const all = [primary, ...listFor(purpose).map(parse)].filter((target) => !seen.has(keyOf(target)) && seen.add(keyOf(target)));
      if (all.length === 1) return all;
      const ready = all.filter((target) => (coolingUntil.get(keyOf(target)) ?? 0) <= now());
      // Everything cooling down: try the last resort rather than failing without a call.
      return ready.length > 0 ? ready : all.slice(-1);
    },
    shouldFallBack(error) {
      return error instanceof ProviderError && (error.retryable || error.code === "PROVIDER_UNAVAILABLE" || error.code === "PROVIDER_RATE_LIMITED");
    },
    coolDown(target) {
      coolingUntil.set(keyOf(target), now() + options.cooldownMs);
    },
  };
}
