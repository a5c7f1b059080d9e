import OpenAI from "openai";
import type { FetchLike } from "./provider-adapter.ts";

/**
 * The official OpenAI SDK client as Quire uses it (chat, embeddings and the Batch API). Every
 * setting is explicit so the SDK never falls back to reading process.env itself, and its own
 * retries are off: retries go back through Quire's limiter.
 */
export function createOpenAISdkClient(options: { apiKey: string | null; baseUrl: string | null; fetch?: FetchLike; timeoutMs?: number }): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey ?? "unused",
    baseURL: options.baseUrl ?? "https://api.openai.com/v1",
    organization: null,
    project: null,
    maxRetries: 0,
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
