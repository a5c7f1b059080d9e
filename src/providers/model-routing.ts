import type { ProviderName } from "./provider-types.ts";
import { PROVIDER_NAMES, PROVIDERS } from "./provider-registry.ts";

/**
 * The vendor a model name belongs to (its definition's `ownsModel`), or null for names any
 * compatible server may serve. A request naming such a model without a provider goes to that
 * vendor rather than to the default provider, which could only refuse it or, worse, answer in
 * its place (the offline provider once echoed prompts for "gpt-4o-mini").
 */
export function ownerOfModel(model: string): ProviderName | null {
  return PROVIDER_NAMES.find((name) => PROVIDERS[name].ownsModel?.test(model)) ?? null;
}

/**
 * The provider that serves `model` when the request names no provider. Names no vendor owns
 * (llama3.1, mistral...) go to the default provider; an OpenAI-compatible default also keeps a
 * vendor's name when that vendor is not configured, since proxies such as LiteLLM serve them.
 * Otherwise the owner is returned even when unconfigured, so the call fails naming it.
 */
export function routeModel(defaultProvider: ProviderName, model: string, isConfigured: (provider: ProviderName) => boolean): ProviderName {
  const owner = ownerOfModel(model);
  if (!owner || owner === defaultProvider) return defaultProvider;
  if (isConfigured(owner)) return owner;
  return defaultProvider === "openai" && owner !== "local" ? defaultProvider : owner;
}
