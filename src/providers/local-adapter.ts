import { embedLocal } from "../text/local-embedding.ts";
import { countTokens } from "../text/token-count.ts";
import { ProviderError } from "./provider-types.ts";
import type { AdapterEmbedCall, AdapterEmbedOutput, ProviderAdapter } from "./provider-adapter.ts";
import { abortedError } from "./provider-error-mapping.ts";

/** Settings of the offline adapter. */
export interface LocalAdapterOptions {
  embeddingDim: number;
}

/** The one model the local provider embeds with. */
export const LOCAL_EMBEDDING_MODEL = "local-embedding";

/** The name the local provider answers to for chat (it refuses every chat request). */
export const LOCAL_CHAT_MODEL = "local-extractive";

/**
 * What a user must configure to get generated text; shown in every MODEL_REQUIRED error so the
 * fix is in the message itself.
 */
export const MODEL_SETTINGS_HINT =
  "configure a model: LLM_PROVIDER=openai with OPENAI_BASE_URL (an OpenAI-compatible server such as Ollama, vLLM or llama.cpp) " +
  "or OPENAI_API_KEY, and LLM_MODEL; or LLM_PROVIDER=anthropic with ANTHROPIC_API_KEY";

/** The typed refusal of a generative request on the offline provider. */
export function modelRequiredError(model: string): ProviderError {
  return new ProviderError(
    "MODEL_REQUIRED",
    `The offline local provider cannot generate text (model ${JSON.stringify(model)}): ${MODEL_SETTINGS_HINT}`,
  );
}

/**
 * The offline provider: no network, no key, same answer for the same input. It embeds with
 * Quire's deterministic local embedding and refuses every chat request with MODEL_REQUIRED:
 * an extract of the prompt passed off as an answer misleads more than an honest refusal
 * (extractive summaries, layout parsing, references and profile extraction run locally
 * without going through generate()).
 */
export function createLocalAdapter(options: LocalAdapterOptions): ProviderAdapter {
  function embedNow(call: AdapterEmbedCall): AdapterEmbedOutput {
    if (call.signal.aborted) throw abortedError("local");
    if (call.model !== LOCAL_EMBEDDING_MODEL) {
      throw new ProviderError(
        "PROVIDER_UNKNOWN_MODEL",
        `The local provider has no embedding model ${JSON.stringify(call.model)} (it offers ${LOCAL_EMBEDDING_MODEL})`,
      );
    }
    return {
      vectors: embedLocal(call.inputs, options.embeddingDim),
      usage: {
        inputTokens: call.inputs.reduce((sum, input) => sum + countTokens(input), 0),
        outputTokens: 0,
        cachedInputTokens: 0,
      },
    };
  }

  return {
    provider: "local",
    generate: (call) =>
      settle(() => {
        if (call.signal.aborted) throw abortedError("local");
        throw modelRequiredError(call.model);
      }),
    embed: (call) => settle(() => embedNow(call)),
  };
}

// The Promise constructor turns a throw into a rejection, like an async function would.
function settle<T>(compute: () => T): Promise<T> {
  return new Promise((resolve) => resolve(compute()));
}
