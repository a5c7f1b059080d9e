import Anthropic from "@anthropic-ai/sdk";
import type {
  ContentBlockParam,
  MessageCreateParamsNonStreaming,
  MessageParam,
} from "@anthropic-ai/sdk/resources/messages";
import type { ChatMessage, ContentPart } from "./provider-types.ts";
import { ProviderError } from "./provider-types.ts";
import type { AdapterGenerateCall, AdapterGenerateOutput, FetchLike, ProviderAdapter } from "./provider-adapter.ts";
import {
  abortedError,
  connectionError,
  errorFromHttpFailure,
  invalidOutputError,
  timeoutError,
} from "./provider-error-mapping.ts";

/** Settings of the Anthropic adapter. */
export interface AnthropicAdapterOptions {
  apiKey: string;
  /** Null for api.anthropic.com. */
  baseUrl: string | null;
  fetch?: FetchLike;
}

/**
 * Messages (text + base64 image blocks) through the official SDK with its retries off.
 * There is no `embed`: Anthropic has no embeddings endpoint, and the gateway answers
 * PROVIDER_NOT_CONFIGURED instead of picking another vendor behind the caller's back.
 */
export function createAnthropicAdapter(options: AnthropicAdapterOptions): ProviderAdapter {
  // baseURL is always passed so the SDK never reads ANTHROPIC_BASE_URL from the environment.
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseUrl ?? "https://api.anthropic.com",
    maxRetries: 0,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  async function generate(call: AdapterGenerateCall): Promise<AdapterGenerateOutput> {
    const system = call.messages
      .filter((message) => message.role === "system")
      .map((message) => textOf(message.content))
      .join("\n\n");
    const body: MessageCreateParamsNonStreaming = {
      model: call.model,
      max_tokens: call.maxOutputTokens,
      messages: call.messages.filter((message) => message.role !== "system").map(toAnthropicMessage),
      ...(system ? { system } : {}),
      ...(call.temperature === undefined ? {} : { temperature: call.temperature }),
    };
    let message;
    try {
      message = await client.messages.create(body, { signal: call.signal, timeout: call.timeoutMs, maxRetries: 0 });
    } catch (error) {
      throw mapAnthropicError(error);
    }
    const blocks = Array.isArray(message.content) ? message.content : [];
    const texts = blocks.flatMap((block) => (block.type === "text" ? [block.text] : []));
    if (texts.length === 0) throw invalidOutputError("anthropic", "no text content");
    const usage = message.usage;
    const cacheRead = usage?.cache_read_input_tokens ?? 0;
    return {
      text: texts.join(""),
      complete: message.stop_reason === "end_turn" || message.stop_reason === "stop_sequence",
      usage: {
        // Anthropic reports cache reads and writes beside input_tokens; Quire's TokenUsage
        // follows OpenAI, where inputTokens includes the cached part.
        inputTokens: (usage?.input_tokens ?? 0) + cacheRead + (usage?.cache_creation_input_tokens ?? 0),
        outputTokens: usage?.output_tokens ?? 0,
        cachedInputTokens: cacheRead,
      },
    };
  }

  return { provider: "anthropic", generate };
}

function textOf(content: string | ContentPart[]): string {
  if (typeof content === "string") return content;
  return content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}

function toAnthropicMessage(message: ChatMessage): MessageParam {
  const role = message.role === "assistant" ? "assistant" : "user";
  if (typeof message.content === "string") return { role, content: message.content };
  const content: ContentBlockParam[] = message.content.map((part) =>
    part.type === "text"
      ? { type: "text", text: part.text }
      : {
          type: "image",
          source: { type: "base64", media_type: part.mediaType, data: Buffer.from(part.data).toString("base64") },
        },
  );
  return { role, content };
}

const SPEND_LIMIT_CODES = new Set([
  "enforced_spend_limit_reached",
  "contract_spend_limit_reached",
  "linked_organization_spend_limit_reached",
  "linked_organization_billing_unavailable",
]);

/** Maps an SDK failure to a ProviderError; other errors (bugs) pass through unchanged. */
export function mapAnthropicError(error: unknown): unknown {
  if (error instanceof ProviderError) return error;
  if (error instanceof Anthropic.APIUserAbortError) return abortedError("anthropic");
  if (error instanceof Anthropic.APIConnectionTimeoutError) return timeoutError("anthropic");
  if (error instanceof Anthropic.APIConnectionError) return connectionError("anthropic", error.cause);
  if (error instanceof Anthropic.APIError && typeof error.status === "number") {
    const type: unknown = error.type;
    const errorCode: unknown = error.errorCode;
    const code = typeof errorCode === "string" ? errorCode : null;
    const spendLimit =
      type === "billing_error" ||
      (code !== null && SPEND_LIMIT_CODES.has(code)) ||
      // Out-of-credit has long come back as a plain 400 invalid_request_error with this wording.
      (error.status === 400 && /credit balance is too low/i.test(error.apiMessage ?? ""));
    return errorFromHttpFailure({
      provider: "anthropic",
      status: error.status,
      headers: error.headers as Headers | undefined,
      spendLimit,
      errorType: code ?? (typeof type === "string" ? type : null),
      requestId: error.requestID,
    });
  }
  if (error instanceof Error && error.name === "AbortError") return abortedError("anthropic");
  return error;
}
