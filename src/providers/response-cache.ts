import { createHash } from "node:crypto";
import type { ChatMessage, ProviderName, TokenUsage } from "./provider-types.ts";

/** A cached provider answer, with the provider, model and owner it was made for. */
export type CachedModelResponse =
  | { kind: "generate"; provider: ProviderName; model: string; userId: string | null; text: string; usage: TokenUsage }
  | {
      kind: "embed";
      provider: ProviderName;
      model: string;
      userId: string | null;
      vectors: number[][];
      usage: TokenUsage;
    };

/**
 * Storage of Quire's response cache (the lead's Postgres store implements it). Only complete,
 * successful, non-streamed answers are ever put. Store failures are logged by the gateway
 * and treated as misses, never as failed calls.
 */
export interface ResponseCacheStore {
  /** The entry under `key` unless it expired at `now`; null otherwise. */
  get(key: string, now: Date): Promise<CachedModelResponse | null>;
  /** Stores (or replaces) the entry under `key`, expiring `ttlMs` from now. */
  put(key: string, value: CachedModelResponse, ttlMs: number): Promise<void>;
  /** Counts a hit on `key` (hit counters, last-used time). */
  recordHit(key: string): Promise<void>;
}

/** Everything that determines a chat answer. */
export interface GenerateCacheInput {
  provider: ProviderName;
  model: string;
  userId: string | null;
  messages: ChatMessage[];
  maxOutputTokens: number;
  temperature: number | null;
}

/** Everything that determines a set of embeddings. */
export interface EmbedCacheInput {
  provider: ProviderName;
  model: string;
  userId: string | null;
  inputs: string[];
  /** Provider-side parameters that change the vectors (e.g. local dimension). */
  dimensions: number | null;
}

// Bump when the key's shape or the cached value's meaning changes.
const KEY_VERSION = "quire-response-cache-v1";

/**
 * sha256 over provider, model, owner, parameters and messages. Images enter as their own
 * sha256 so keys stay cheap to build and the image bytes never reach the cache table. The
 * owner is part of the key: entries are scoped per user, so one user's prompts never
 * answer (or reveal timing about) another's.
 */
export function generateCacheKey(input: GenerateCacheInput): string {
  const messages = input.messages.map((message) => ({
    role: message.role,
    content:
      typeof message.content === "string"
        ? message.content
        : message.content.map((part) =>
            part.type === "text"
              ? { type: "text", text: part.text }
              : { type: "image", mediaType: part.mediaType, sha256: sha256(part.data) },
          ),
  }));
  return sha256(
    JSON.stringify([
      KEY_VERSION,
      "generate",
      input.provider,
      input.model,
      input.userId,
      { maxOutputTokens: input.maxOutputTokens, temperature: input.temperature },
      messages,
    ]),
  );
}

/** sha256 over provider, model, owner, parameters and inputs (in order). */
export function embedCacheKey(input: EmbedCacheInput): string {
  return sha256(
    JSON.stringify([
      KEY_VERSION,
      "embed",
      input.provider,
      input.model,
      input.userId,
      { dimensions: input.dimensions },
      input.inputs,
    ]),
  );
}

function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
