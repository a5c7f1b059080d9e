import type { PromptSpec } from "../generation/index.ts";
import { builder } from "./builder.ts";

/** The providers a request may name. */
export const LlmProviderEnum = builder.enumType("LlmProvider", { values: ["openai", "anthropic", "local"] as const });

/** One prompt with its own choices, shared by generatePrompts, generatePromptsLive and prompt batches. */
export const PromptInputRef = builder.inputType("PromptInput", {
  description: "A prompt and, optionally, its own provider, model, system prompt, temperature (0..2) and output cap.",
  fields: (t) => ({
    prompt: t.string({ required: true }),
    provider: t.field({ type: LlmProviderEnum, description: "Overrides the request's provider." }),
    model: t.string({ description: "Overrides the request's model." }),
    system: t.string({ description: "Sent as the system message." }),
    temperature: t.float(),
    maxTokens: t.int({ description: "Most output tokens, 1..128000." }),
  }),
});

/** The prompts of a request: plain strings and/or PromptInputs, plain ones first. */
export function promptSpecsOf(prompts: readonly string[] | null | undefined, inputs: readonly PromptSpec[] | null | undefined): Array<string | PromptSpec> {
  return [...(prompts ?? []), ...(inputs ?? []).map((input) => ({ ...input }))];
}

/** Arguments shared by generatePrompts and generatePromptsLive. */
export const promptArgs = builder.args((t) => ({
  prompts: t.stringList({ description: "Plain prompts (at most 100 with `inputs`)." }),
  inputs: t.field({ type: [PromptInputRef], description: "Prompts with their own choices, after `prompts` in the results." }),
  model: t.string({ description: "Overrides LLM_MODEL." }),
  provider: t.field({ type: LlmProviderEnum, description: "Overrides LLM_PROVIDER (a vendor's model name picks its vendor by itself)." }),
  maxConcurrent: t.int({ defaultValue: 5 }),
}));
