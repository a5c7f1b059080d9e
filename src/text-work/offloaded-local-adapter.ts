import { createLocalAdapter, LOCAL_EMBEDDING_MODEL } from "../providers/local-adapter.ts";
import type { ProviderAdapter } from "../providers/provider-adapter.ts";
import { abortedError } from "../providers/provider-error-mapping.ts";
import type { TextWork } from "./text-work-pool.ts";

/**
 * The offline provider with its embeddings computed on the text pool. Inline, the local
 * embedding and its token count held the API's event loop for hundreds of milliseconds per
 * batch of chunks, and the first call also loaded the tokenizer (seconds on a busy machine).
 * Everything else (refusing chat, naming a wrong model, aborts) is the plain local adapter's.
 */
export function createOffloadedLocalAdapter(textWork: TextWork, embeddingDim: number): ProviderAdapter {
  const local = createLocalAdapter({ embeddingDim });
  return {
    ...local,
    embed: async (call) => {
      // The inline adapter's own checks, on no inputs: the same errors, nothing computed.
      if (call.signal.aborted || call.model !== LOCAL_EMBEDDING_MODEL) return local.embed!({ ...call, inputs: [] });
      try {
        const { vectors, inputTokens } = await textWork.run("embedLocal", [call.inputs, embeddingDim], { signal: call.signal });
        return { vectors, usage: { inputTokens, outputTokens: 0, cachedInputTokens: 0 } };
      } catch (error) {
        if (call.signal.aborted) throw abortedError("local");
        throw error;
      }
    },
  };
}
