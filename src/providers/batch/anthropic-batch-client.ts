import Anthropic from "@anthropic-ai/sdk";
import type { MessageBatch, MessageBatchIndividualResponse } from "@anthropic-ai/sdk/resources/messages/batches";
import { mapAnthropicError } from "../anthropic-adapter.ts";
import type { FetchLike } from "../provider-adapter.ts";
import type { BatchClient, BatchRequest, BatchResult, RemoteBatch } from "./batch-client.ts";

/** Settings of the Message Batches client (the same as the chat adapter's). */
export interface AnthropicBatchClientOptions {
  apiKey: string;
  /** Null for api.anthropic.com. */
  baseUrl: string | null;
  fetch?: FetchLike;
  timeoutMs: number;
}

/**
 * Anthropic's Message Batches API: the requests go inline in one POST (no file upload), the
 * batch is polled until `processing_status` is "ended", then its results_url is read as JSONL
 * and matched by custom_id.
 *
 * Message batches carry no metadata, so a batch cannot be found again by Quire's job id:
 * `findByTag` answers null, and a crash in the moment between Anthropic accepting the batch and
 * Quire storing its id submits the prompts a second time (the first batch is then paid for and
 * unread). OpenAI's path has no such window.
 */
export function createAnthropicBatchClient(options: AnthropicBatchClientOptions): BatchClient {
  // baseURL is always passed so the SDK never reads ANTHROPIC_BASE_URL from the environment.
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseUrl ?? "https://api.anthropic.com",
    maxRetries: 0,
    timeout: options.timeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  const params = (request: BatchRequest) => ({
    custom_id: request.customId,
    params: {
      model: request.model,
      max_tokens: request.maxOutputTokens,
      messages: [{ role: "user" as const, content: request.prompt }],
      ...(request.system ? { system: request.system } : {}),
      ...(request.temperature === null ? {} : { temperature: request.temperature }),
    },
  });

  return {
    provider: "anthropic",
    upload: () => Promise.resolve(null),
    findByTag: () => Promise.resolve(null),
    create: (_tag, _uploadId, requests) => call(async () => (await client.messages.batches.create({ requests: requests.map(params) })).id),
    retrieve: (batchId) => call(async () => remoteBatch(await client.messages.batches.retrieve(batchId))),
    results: (batchId) =>
      call(async () => {
        const results: BatchResult[] = [];
        for await (const entry of await client.messages.batches.results(batchId)) {
          const result = toResult(entry);
          if (result) results.push(result);
        }
        return results;
      }),
    cancel: async (batchId) => {
      await call(() => client.messages.batches.cancel(batchId));
    },
  };
}

/**
 * Anthropic has one terminal state, "ended"; how it ended is read from the batch: a cancel
 * that was initiated makes it cancelled, requests that expired make it expired.
 */
export function remoteBatch(batch: MessageBatch): RemoteBatch {
  const counts = batch.request_counts;
  const total = counts.processing + counts.succeeded + counts.errored + counts.canceled + counts.expired;
  const failed = counts.errored + counts.canceled + counts.expired;
  let status: RemoteBatch["status"] = "running";
  if (batch.processing_status === "ended") {
    status = batch.cancel_initiated_at ? "cancelled" : counts.expired > 0 ? "expired" : "completed";
  }
  return { status, counts: { total, completed: counts.succeeded, failed } };
}

/**
 * One results line. Canceled and expired requests are left out: the job fails every prompt
 * without a result with the batch's own reason (CANCELLED, BATCH_EXPIRED) and records no
 * provider call for it, as on the OpenAI path where such requests have no line at all.
 */
export function toResult(entry: MessageBatchIndividualResponse): BatchResult | null {
  const { custom_id: customId, result } = entry;
  if (result.type === "canceled" || result.type === "expired") return null;
  if (result.type === "errored") {
    const type = result.error.error.type;
    return { customId, ok: false, code: "PROVIDER_REQUEST_FAILED", message: `the provider refused this request (${type})` };
  }
  const message = result.message;
  const texts = message.content.flatMap((block) => (block.type === "text" ? [block.text] : []));
  if (texts.length === 0) return { customId, ok: false, code: "PROVIDER_INVALID_OUTPUT", message: "the provider returned no text for this request" };
  const cacheRead = message.usage.cache_read_input_tokens ?? 0;
  return {
    customId,
    ok: true,
    text: texts.join(""),
    usage: {
      // Quire's TokenUsage follows OpenAI: inputTokens includes cached reads and writes.
      inputTokens: message.usage.input_tokens + cacheRead + (message.usage.cache_creation_input_tokens ?? 0),
      outputTokens: message.usage.output_tokens,
      cachedInputTokens: cacheRead,
    },
  };
}

async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw mapAnthropicError(error);
  }
}
