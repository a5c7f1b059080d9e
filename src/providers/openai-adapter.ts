import OpenAI from "openai";
import { createOpenAISdkClient } from "./openai-sdk-client.ts";
import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { ChatMessage } from "./provider-types.ts";
import { ProviderError } from "./provider-types.ts";
import type {
  AdapterEmbedCall,
  AdapterEmbedOutput,
  AdapterGenerateCall,
  AdapterGenerateOutput,
  FetchLike,
  ProviderAdapter,
} from "./provider-adapter.ts";
import {
  abortedError,
  connectionError,
  errorFromHttpFailure,
  invalidOutputError,
  timeoutError,
} from "./provider-error-mapping.ts";

/** Settings of the OpenAI-compatible adapter. */
export interface OpenAIAdapterOptions {
  /** Null for keyless compatible servers (a placeholder is sent: the SDK insists on one). */
  apiKey: string | null;
  /** Null for api.openai.com. */
  baseUrl: string | null;
  maxTokensParam: "max_completion_tokens" | "max_tokens";
  fetch?: FetchLike;
}

/**
 * Chat completions (text + image parts as data URLs) and embeddings against any
 * OpenAI-compatible endpoint, through the official SDK with its retries turned off.
 */
export function createOpenAIAdapter(options: OpenAIAdapterOptions): ProviderAdapter {
  const client = createOpenAISdkClient(options);

  async function generate(call: AdapterGenerateCall): Promise<AdapterGenerateOutput> {
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: call.model,
      messages: call.messages.map(toOpenAIMessage),
      [options.maxTokensParam]: call.maxOutputTokens,
      ...(call.temperature === undefined ? {} : { temperature: call.temperature }),
    };
    const completion = await request(() =>
      client.chat.completions.create(body, { signal: call.signal, timeout: call.timeoutMs, maxRetries: 0 }),
    );
    const choice = completion.choices?.[0];
    const text = choice?.message?.content;
    if (typeof text !== "string") throw invalidOutputError("openai", "no text content (refusal or empty choice)");
    const usage = completion.usage;
    return {
      text,
      complete: choice?.finish_reason === "stop",
      usage: {
        inputTokens: usage?.prompt_tokens ?? 0,
        outputTokens: usage?.completion_tokens ?? 0,
        cachedInputTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
      },
    };
  }

  async function embed(call: AdapterEmbedCall): Promise<AdapterEmbedOutput> {
    const response = await request(() =>
      client.embeddings.create(
        { model: call.model, input: call.inputs, encoding_format: "float" },
        { signal: call.signal, timeout: call.timeoutMs, maxRetries: 0 },
      ),
    );
    const vectors: number[][] = new Array<number[]>(call.inputs.length);
    // The API documents `index`; order the vectors by it rather than trusting array order.
    for (const item of response.data ?? []) {
      if (item.index >= 0 && item.index < vectors.length) vectors[item.index] = item.embedding;
    }
    for (let i = 0; i < vectors.length; i++) {
      if (!Array.isArray(vectors[i])) throw invalidOutputError("openai", `no embedding for input ${i}`);
    }
    return {
      vectors,
      usage: { inputTokens: response.usage?.prompt_tokens ?? 0, outputTokens: 0, cachedInputTokens: 0 },
    };
  }

  return { provider: "openai", generate, embed };
}

function toOpenAIMessage(message: ChatMessage): ChatCompletionMessageParam {
  if (typeof message.content === "string") {
    return { role: message.role, content: message.content };
  }
  if (message.role !== "user") {
    // Only user turns may carry images; system/assistant turns get their text parts joined.
    const text = message.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
    return { role: message.role, content: text };
  }
  const parts: ChatCompletionContentPart[] = message.content.map((part) =>
    part.type === "text"
      ? { type: "text", text: part.text }
      : {
          type: "image_url",
          image_url: { url: `data:${part.mediaType};base64,${Buffer.from(part.data).toString("base64")}` },
        },
  );
  return { role: "user", content: parts };
}

async function request<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw mapOpenAIError(error);
  }
}

/** Maps an SDK failure to a ProviderError; other errors (bugs) pass through unchanged. */
export function mapOpenAIError(error: unknown): unknown {
  if (error instanceof ProviderError) return error;
  if (error instanceof OpenAI.APIUserAbortError) return abortedError("openai");
  if (error instanceof OpenAI.APIConnectionTimeoutError) return timeoutError("openai");
  if (error instanceof OpenAI.APIConnectionError) return connectionError("openai", error.cause);
  if (error instanceof OpenAI.APIError && typeof error.status === "number") {
    // A 429 is either "slow down" or "out of money"; only the body's type/code tells them apart.
    const code: unknown = error.code ?? error.type;
    const kind = typeof code === "string" ? code : null;
    return errorFromHttpFailure({
      provider: "openai",
      status: error.status,
      headers: error.headers as Headers | undefined,
      spendLimit: kind === "insufficient_quota" || kind === "billing_hard_limit_reached",
      errorType: kind,
      requestId: error.requestID,
    });
  }
  if (error instanceof Error && error.name === "AbortError") return abortedError("openai");
  return error;
}
