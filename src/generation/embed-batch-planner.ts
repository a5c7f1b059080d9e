import type { FieldError } from "./form-field-types.ts";

/** One text to embed; `position` is its index in the input (or its line number). */
export interface EmbedItem {
  position: number;
  text: string;
  /** Tokens to plan with: an upper bound for short texts, the o200k_base count otherwise (see plannedTokens). */
  tokens: number;
}

/**
 * A provider request's worth of items, in input order. Items over the per-input cap travel in
 * the batch as `rejected` so that results stay in input order, but are never sent.
 */
export interface EmbedBatch {
  entries: Array<{ item: EmbedItem; rejected: FieldError | null }>;
  /** Tokens of the items that will be sent. */
  tokens: number;
  /** Number of items that will be sent. */
  size: number;
}

/**
 * Limits of one embeddings request. OpenAI's embeddings endpoint accepts at most 2048 inputs,
 * 8192 tokens per input (8191 for text-embedding-3 models) and 300,000 tokens summed over a
 * request; the defaults of the embedding services stay under those.
 */
export interface EmbedLimits {
  batchSize: number;
  maxTokensPerRequest: number;
  maxTokensPerInput: number;
}

/**
 * Groups items greedily, in order, into batches of at most `batchSize` inputs and at most
 * `maxTokensPerRequest` tokens. A batch is handed out as soon as it is full, so a streaming
 * caller can send it while reading on. Requires maxTokensPerRequest >= maxTokensPerInput.
 */
export class EmbedBatcher {
  private readonly limits: EmbedLimits;
  private current: EmbedBatch = { entries: [], tokens: 0, size: 0 };

  constructor(limits: EmbedLimits) {
    this.limits = limits;
  }

  /** Adds an item; returns the batches this closed (usually none, at most two). */
  add(item: EmbedItem): EmbedBatch[] {
    const { batchSize, maxTokensPerRequest, maxTokensPerInput } = this.limits;
    if (item.tokens > maxTokensPerInput) {
      const message = `The text has about ${item.tokens} tokens; the embedding model accepts at most ${maxTokensPerInput} per input`;
      this.current.entries.push({ item, rejected: { code: "EMBED_INPUT_TOO_LONG", message } });
      return [];
    }
    const closed: EmbedBatch[] = [];
    if (this.current.size > 0 && this.current.tokens + item.tokens > maxTokensPerRequest) closed.push(this.take());
    this.current.entries.push({ item, rejected: null });
    this.current.tokens += item.tokens;
    this.current.size += 1;
    if (this.current.size >= batchSize) closed.push(this.take());
    return closed;
  }

  /** The last, partly filled batch, if it holds anything. */
  flush(): EmbedBatch | null {
    return this.current.entries.length > 0 ? this.take() : null;
  }

  private take(): EmbedBatch {
    const batch = this.current;
    this.current = { entries: [], tokens: 0, size: 0 };
    return batch;
  }
}

/** Plans all batches for a list of items at once. */
export function planEmbedBatches(items: Iterable<EmbedItem>, limits: EmbedLimits): EmbedBatch[] {
  const batcher = new EmbedBatcher(limits);
  const batches: EmbedBatch[] = [];
  for (const item of items) batches.push(...batcher.add(item));
  const last = batcher.flush();
  if (last) batches.push(last);
  return batches;
}
