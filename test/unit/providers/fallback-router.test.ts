import { describe, expect, it } from "vitest";
import { loadConfig, ConfigError } from "../../../src/config.ts";
import { createFallbackRouter } from "../../../src/providers/fallback-router.ts";
import { ProviderError } from "../../../src/providers/provider-types.ts";
import type { ProviderName } from "../../../src/providers/provider-types.ts";

const resolve = (provider: ProviderName | undefined, model: string) => ({ provider: provider ?? (model.startsWith("claude") ? "anthropic" : "openai"), model }) as const;

describe("fallback router", () => {
  it("orders the primary then the purpose's list (exact, domain, *), and skips a cooling model until its cooldown ends", () => {
    let now = 1_000;
    const router = createFallbackRouter({
      table: { "generation.field": ["gpt-4o"], generation: ["claude-haiku-4-5"], "*": ["anthropic:claude-sonnet-4-5"] },
      cooldownMs: 500,
      resolve,
      now: () => now,
    });
    const primary = { provider: "openai" as const, model: "gpt-4o-mini" };
    expect(router.candidates("generation.field", primary).map((target) => target.model)).toEqual(["gpt-4o-mini", "gpt-4o"]);
    expect(router.candidates("generation.prompt", primary).map((target) => target.model)).toEqual(["gpt-4o-mini", "claude-haiku-4-5"]);
    expect(router.candidates("pipeline.parse", primary)).toEqual([primary, { provider: "anthropic", model: "claude-sonnet-4-5" }]);

    router.coolDown(primary);
    expect(router.candidates("generation.field", primary).map((target) => target.model)).toEqual(["gpt-4o"]);
    now += 500;
    expect(router.candidates("generation.field", primary).map((target) => target.model)).toEqual(["gpt-4o-mini", "gpt-4o"]);
  });

  it("falls back on retryable and overload errors only", () => {
    const router = createFallbackRouter({ table: {}, cooldownMs: 1, resolve });
    expect(router.shouldFallBack(new ProviderError("PROVIDER_UNAVAILABLE", "503", { retryable: true }))).toBe(true);
    expect(router.shouldFallBack(new ProviderError("PROVIDER_RATE_LIMITED", "429"))).toBe(true);
    expect(router.shouldFallBack(new ProviderError("PROVIDER_BAD_REQUEST", "400"))).toBe(false);
    expect(router.shouldFallBack(new Error("bug"))).toBe(false);
  });

  it("refuses an LLM_FALLBACKS that is not a JSON object of model lists", () => {
    expect(() => loadConfig({ LLM_FALLBACKS: '["gpt-4o"]' })).toThrow(ConfigError);
    expect(loadConfig({ LLM_FALLBACKS: '{"*": ["gpt-4o"]}' }).providers.fallbacks).toEqual({ "*": ["gpt-4o"] });
  });
});
