import OpenAI, { toFile } from "openai";
import { ProviderError } from "../provider-types.ts";
import type { FetchLike } from "../provider-adapter.ts";
import { createOpenAISdkClient } from "../openai-sdk-client.ts";
import { connectionError, errorFromHttpFailure } from "../provider-error-mapping.ts";
import type { BatchClient, BatchRequest, BatchResult, RemoteBatch } from "./batch-client.ts";

/** Settings of the OpenAI Batch API client (the same as the chat adapter's). */
export interface OpenAIBatchClientOptions {
  apiKey: string | null;
  baseUrl: string | null;
  maxTokensParam: "max_completion_tokens" | "max_tokens";
  fetch?: FetchLike;
  timeoutMs: number;
}

const TERMINAL: Record<string, RemoteBatch["status"]> = {
  completed: "completed",
  failed: "failed",
  expired: "expired",
  cancelled: "cancelled",
};

/**
 * The OpenAI Batch API: the requests as a JSONL file (purpose "batch"), a batch on
 * /v1/chat/completions with a 24 h window and Quire's job id in its metadata, then the output
 * and error files, whose lines are matched by custom_id.
 */
export function createOpenAIBatchClient(options: OpenAIBatchClientOptions): BatchClient {
  const client = createOpenAISdkClient(options);

  const line = (request: BatchRequest) =>
    JSON.stringify({
      custom_id: request.customId,
      method: "POST",
      url: "/v1/chat/completions",
      body: {
        model: request.model,
        messages: [...(request.system ? [{ role: "system", content: request.system }] : []), { role: "user", content: request.prompt }],
        [options.maxTokensParam]: request.maxOutputTokens,
        ...(request.temperature === null ? {} : { temperature: request.temperature }),
      },
    });

  return {
    provider: "openai",
    upload: (tag, requests) =>
      call(async () => {
        const file = await toFile(Buffer.from(`${requests.map(line).join("\n")}\n`), `quire-${tag}.jsonl`);
        return (await client.files.create({ file, purpose: "batch" })).id;
      }),
    findByTag: (tag) =>
      call(async () => {
        const page = await client.batches.list({ limit: 100 });
        return page.data.find((batch) => batch.metadata?.quire_job === tag)?.id ?? null;
      }),
    create: (tag, uploadId) =>
      call(async () => {
        if (!uploadId) throw new Error("the OpenAI Batch API needs an uploaded file");
        const batch = await client.batches.create({
          input_file_id: uploadId,
          endpoint: "/v1/chat/completions",
          completion_window: "24h",
          metadata: { quire_job: tag },
        });
        return batch.id;
      }),
    retrieve: (batchId) =>
      call(async () => {
        const batch = await client.batches.retrieve(batchId);
        const counts = batch.request_counts;
        return {
          status: TERMINAL[batch.status] ?? "running",
          counts: { total: counts?.total ?? 0, completed: counts?.completed ?? 0, failed: counts?.failed ?? 0 },
        };
      }),
    results: (batchId) =>
      call(async () => {
        const batch = await client.batches.retrieve(batchId);
        const results: BatchResult[] = [];
        for (const fileId of [batch.output_file_id, batch.error_file_id]) {
          if (!fileId) continue;
          const text = await (await client.files.content(fileId)).text();
          for (const raw of text.split("\n")) if (raw.trim() !== "") results.push(parseResultLine(raw));
        }
        return results;
      }),
    cancel: async (batchId) => {
      await call(() => client.batches.cancel(batchId));
    },
  };
}

interface ResultLine {
  custom_id: string;
  response: { status_code: number; body: unknown } | null;
  error: { code?: string | null; message?: string | null } | null;
}

interface CompletionBody {
  choices?: { message?: { content?: string | null }; finish_reason?: string }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } };
  error?: { message?: string; code?: string | null; type?: string };
}

/** One line of an output or error file; a failed request keeps the provider's code, not its free text. */
export function parseResultLine(raw: string): BatchResult {
  const entry = JSON.parse(raw) as ResultLine;
  const body = (entry.response?.body ?? {}) as CompletionBody;
  const status = entry.response?.status_code ?? 0;
  if (entry.error || status < 200 || status >= 300) {
    const code = entry.error?.code ?? body.error?.code ?? body.error?.type ?? `HTTP_${status}`;
    return { customId: entry.custom_id, ok: false, code: "PROVIDER_REQUEST_FAILED", message: `the provider refused this request (${code})` };
  }
  const text = body.choices?.[0]?.message?.content;
  if (typeof text !== "string") {
    return { customId: entry.custom_id, ok: false, code: "PROVIDER_INVALID_OUTPUT", message: "the provider returned no text for this request" };
  }
  return {
    customId: entry.custom_id,
    ok: true,
    text,
    usage: {
      inputTokens: body.usage?.prompt_tokens ?? 0,
      outputTokens: body.usage?.completion_tokens ?? 0,
      cachedInputTokens: body.usage?.prompt_tokens_details?.cached_tokens ?? 0,
    },
  };
}

/** SDK failures as ProviderError (retryable ones tell the handler to poll again later). */
async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    if (error instanceof OpenAI.APIConnectionError) throw connectionError("openai", error);
    if (error instanceof OpenAI.APIError && typeof error.status === "number") {
      const headers: unknown = error.headers;
      const code: unknown = error.code;
      throw errorFromHttpFailure({
        provider: "openai",
        status: error.status,
        headers: headers instanceof Headers ? headers : undefined,
        spendLimit: false,
        errorType: typeof code === "string" ? code : null,
      });
    }
    throw error;
  }
}
