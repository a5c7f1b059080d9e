import { createLocalAdapter, LOCAL_CHAT_MODEL, LOCAL_EMBEDDING_MODEL } from "../local-adapter.ts";
import type { ProviderDefinition } from "./provider-definition.ts";

/** The offline provider: always configured, free, embeds locally and refuses to generate. */
export const localProvider: ProviderDefinition = {
  name: "local",
  env: [],
  setupHint: "nothing (it is always available)",
  defaultChatModel: LOCAL_CHAT_MODEL,
  defaultEmbeddingModel: LOCAL_EMBEDDING_MODEL,
  ownsModel: /^local-/,
  limits: {},
  batchPriceFactor: null,
  batchMaxBytes: null,
  free: true,
  imageTokens: () => 0,
  prices: {},
  secrets: () => [],
  create: (options) => createLocalAdapter({ embeddingDim: options.localEmbeddingDim }),
  createBatchClient: () => null,
};
