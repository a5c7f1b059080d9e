import { describe, expect, it } from "vitest";
import { ENV_VARIABLES, loadConfig } from "../../../src/config.ts";
import { ownerOfModel } from "../../../src/providers/model-routing.ts";
import { createPriceTable } from "../../../src/providers/price-table.ts";
import { providerOptionsFromConfig } from "../../../src/providers/provider-config.ts";
import { DEFAULT_LIMITS, limitsFor, resolveProviderOptions } from "../../../src/providers/provider-options.ts";
import { buildConfiguredAdapters, configuredSecrets, PROVIDER_NAMES, PROVIDERS } from "../../../src/providers/provider-registry.ts";

describe("provider registry", () => {
  it("declares only variables config.ts reads", () => {
    for (const name of PROVIDER_NAMES) for (const variable of PROVIDERS[name].env) expect(ENV_VARIABLES).toContain(variable);
  });

  it("has one default for LLM_MAX_CONCURRENT, whether the app or a test builds the layer", () => {
    const fromConfig = resolveProviderOptions(providerOptionsFromConfig(loadConfig({})));
    const bare = resolveProviderOptions({});
    expect(limitsFor(fromConfig, "openai:gpt-4o")).toEqual(DEFAULT_LIMITS);
    expect(limitsFor(bare, "openai:gpt-4o")).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS.maxConcurrent).toBe(8);
  });

  it("applies limits in order: per model, configured, provider definition, default", () => {
    const options = resolveProviderOptions({ limits: { requestsPerMinute: 60 }, modelLimits: { "openai:gpt-4o": { maxConcurrent: 2 } } });
    expect(limitsFor(options, "openai:gpt-4o")).toEqual({ maxConcurrent: 2, requestsPerMinute: 60, tokensPerMinute: null, minTimeMs: 0 });
    expect(limitsFor(options, "anthropic:claude-haiku-4-5")).toEqual({ maxConcurrent: 8, requestsPerMinute: 60, tokensPerMinute: null, minTimeMs: 0 });
  });

  it("builds adapters only for configured providers and lists their secrets for redaction", () => {
    const bare = resolveProviderOptions({});
    expect(Object.keys(buildConfiguredAdapters(bare, {}))).toEqual(["local"]);
    const both = resolveProviderOptions({ openaiApiKey: "sk-one", anthropicApiKey: "sk-ant-two" });
    expect(Object.keys(buildConfiguredAdapters(both, {})).sort()).toEqual(["anthropic", "local", "openai"]);
    expect(configuredSecrets(both).sort()).toEqual(["sk-ant-two", "sk-one"]);
    const keyless = resolveProviderOptions({ openaiBaseUrl: "http://127.0.0.1:11434/v1" });
    expect(Object.keys(buildConfiguredAdapters(keyless, {})).sort()).toEqual(["local", "openai"]);
  });

  it("prices every provider's models from its definition and routes its model names to it", () => {
    const prices = createPriceTable();
    for (const name of PROVIDER_NAMES) {
      for (const model of Object.keys(PROVIDERS[name].prices)) {
        expect(prices.priceOf(name, model)).toEqual(PROVIDERS[name].prices[model]);
        expect(ownerOfModel(model)).toBe(name);
      }
    }
    expect(ownerOfModel("llama3.1:8b")).toBeNull();
    expect(prices.priceOf("local", "local-embedding")).toEqual({ input: 0, output: 0 });
  });
});
