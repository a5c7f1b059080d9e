/**
 * The contract of the provider layer: every model call in Quire (pipeline stages, form-field
 * generation, prompt batches, benchmarks, embeddings, search) goes through a ModelGateway.
 * The gateway owns limits, retries, cache and ledger; callers only describe what they want.
 */

export type ProviderName = "openai" | "anthropic" | "local";

export type ContentPart =
  | { type: "text"; text: string }
  /** A rendered page or other image, sent to vision-capable models. */
  | { type: "image"; mediaType: "image/png" | "image/jpeg"; data: Uint8Array };

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string | ContentPart[];
}

/** What a call served, recorded in the ledger (e.g. "pipeline.parse", "generation.field"). */
export type CallPurpose = string;

export interface CallAttribution {
  purpose: CallPurpose;
  /** Owner of the work the call served; ledger rows and cache entries are scoped by it. */
  userId?: string | null;
  /** The batch, document, generation run or embedding job the call served, if any. */
  subjectId?: string | null;
}

export interface GenerateRequest extends CallAttribution {
  /** Overrides the configured LLM_MODEL. */
  model?: string;
  /** Overrides the configured LLM_PROVIDER. */
  provider?: ProviderName;
  messages: ChatMessage[];
  maxOutputTokens?: number;
  temperature?: number;
  /** "bypass" skips the cache read (the answer is still written). Default "use". */
  cache?: "use" | "bypass";
  /** False keeps the call on the requested model (benchmarks); default: LLM_FALLBACKS apply. */
  fallbacks?: boolean;
  signal?: AbortSignal;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens the provider served from its own prompt cache. */
  cachedInputTokens: number;
}

export interface GenerateResult {
  text: string;
  provider: ProviderName;
  model: string;
  usage: TokenUsage;
  costUsd: number;
  latencyMs: number;
  /** True when served from Quire's response cache without a provider call. */
  cached: boolean;
  /** Ledger row id of this call. */
  callId: string;
}

export interface EmbedRequest extends CallAttribution {
  /** Overrides the configured EMBEDDING_MODEL. */
  model?: string;
  provider?: ProviderName;
  inputs: string[];
  cache?: "use" | "bypass";
  signal?: AbortSignal;
}

export interface EmbedResult {
  /** One vector per input, in input order. */
  vectors: number[][];
  provider: ProviderName;
  model: string;
  usage: TokenUsage;
  costUsd: number;
  latencyMs: number;
  cached: boolean;
  callId: string;
}

/** The single entry point for model calls. */
export interface ModelGateway {
  generate(request: GenerateRequest): Promise<GenerateResult>;
  embed(request: EmbedRequest): Promise<EmbedResult>;
  /** The provider and model a request without overrides would use. */
  defaults(): { provider: ProviderName; model: string; embeddingModel: string };
}

/** Stable codes surfaced to users (GraphQL `extensions.code` / typed error results). */
export type ProviderErrorCode =
  | "PROVIDER_RATE_LIMITED"
  | "PROVIDER_AUTH_FAILED"
  | "PROVIDER_BAD_REQUEST"
  | "PROVIDER_SPEND_LIMIT"
  | "PROVIDER_UNAVAILABLE"
  | "PROVIDER_TIMEOUT"
  | "PROVIDER_CONNECTION_FAILED"
  | "PROVIDER_ABORTED"
  | "PROVIDER_INVALID_OUTPUT"
  | "PROVIDER_NOT_CONFIGURED"
  | "PROVIDER_UNKNOWN_MODEL"
  /** A generative request reached the offline local provider, which only extracts and embeds. */
  | "MODEL_REQUIRED";

/**
 * An expected provider failure. `retryable` tells the gateway whether another attempt may
 * succeed; `retryAfterMs` carries a 429's Retry-After. The message never contains keys or
 * the provider's raw response body.
 */
export class ProviderError extends Error {
  readonly code: ProviderErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;

  constructor(
    code: ProviderErrorCode,
    message: string,
    options: { retryable?: boolean; retryAfterMs?: number; status?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "ProviderError";
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }
}
