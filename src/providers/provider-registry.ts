import type { ProviderAdapter } from "./provider-adapter.ts";
import type { ResolvedProviderOptions } from "./provider-options.ts";
import type { ProviderName } from "./provider-types.ts";
import { anthropicProvider } from "./definitions/anthropic-provider.ts";
import { localProvider } from "./definitions/local-provider.ts";
import { openaiProvider } from "./definitions/openai-provider.ts";
import type { AdapterFactoryDeps, ProviderDefinition } from "./definitions/provider-definition.ts";

export type { ProviderDefinition } from "./definitions/provider-definition.ts";

/** Every provider Quire can call, by name: the one list the rest of the layer reads. */
export const PROVIDERS: Readonly<Record<ProviderName, ProviderDefinition>> = {
  openai: openaiProvider,
  anthropic: anthropicProvider,
  local: localProvider,
};

/** The registered provider names, in a stable order. */
export const PROVIDER_NAMES = Object.keys(PROVIDERS) as ProviderName[];

/** The definition of `name`. */
export function providerDefinition(name: ProviderName): ProviderDefinition {
  return PROVIDERS[name];
}

/** The adapters the options configure (the local one always). */
export function buildConfiguredAdapters(
  options: ResolvedProviderOptions,
  deps: AdapterFactoryDeps,
): Partial<Record<ProviderName, ProviderAdapter>> {
  const adapters: Partial<Record<ProviderName, ProviderAdapter>> = {};
  for (const name of PROVIDER_NAMES) {
    const adapter = PROVIDERS[name].create(options, deps);
    if (adapter) adapters[name] = adapter;
  }
  return adapters;
}

/** Every configured secret, for redaction. */
export function configuredSecrets(options: ResolvedProviderOptions): string[] {
  return PROVIDER_NAMES.flatMap((name) => PROVIDERS[name].secrets(options));
}
