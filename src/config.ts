import os from "node:os";
import { z } from "zod";

/** Environment variables that are boolean flags accept these spellings. */
const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((value) => value === "true" || value === "1" || value === "yes");

const positiveInt = z.coerce.number().int().positive();



/**
 * Every environment variable Quire reads, with its default. The README's configuration
 * table mirrors this schema; keep them in step.
 */
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// connection URL")
    .optional(),
  QUIRE_DATA_DIR: z.string().min(1).default("./.quire"),
  QUIRE_DB_POOL_SIZE: positiveInt.default(10),
  QUIRE_ROLE: z.enum(["all", "api", "worker"]).default("all"),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
    .optional(),
  QUIRE_SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  QUIRE_INTROSPECTION: booleanFlag.optional(),
  QUIRE_BOOTSTRAP_KEY: booleanFlag.optional(),
  QUIRE_USER_RPM: positiveInt.default(600),
  QUIRE_MAX_CONCURRENT_BATCHES_PER_USER: positiveInt.default(5),
  QUIRE_MAX_FILES: positiveInt.default(50),
  QUIRE_MAX_FILE_MB: positiveInt.default(50),
  QUIRE_MAX_FIELDS: positiveInt.default(200),
  QUIRE_MAX_CONCURRENT_EMBEDDING_JOBS_PER_USER: positiveInt.default(2),
  QUIRE_MAX_PAGES: positiveInt.default(2000),
  QUIRE_MAX_CONCURRENT_DOCUMENTS: positiveInt.default(5),
  QUIRE_PAGE_CONCURRENCY: positiveInt.optional(),
  QUIRE_MEMORY_BUDGET_MB: positiveInt.default(2048),
  QUIRE_RENDER_WORKERS: positiveInt.optional(),
  QUIRE_RENDER_WORKER_MEMORY_MB: positiveInt.default(1536),
  QUIRE_PAGE_TIMEOUT_MS: positiveInt.default(60_000),
  QUIRE_MAX_PIXELS_PER_PAGE: positiveInt.default(40_000_000),
  QUIRE_PAGE_IMAGE_FORMAT: z.enum(["jpeg", "png"]).default("jpeg"),
  QUIRE_PAGE_IMAGE_QUALITY: positiveInt.max(100).default(85),
  QUIRE_TEXT_WORKERS: positiveInt.optional(),
  QUIRE_WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  QUIRE_STAGE_MAX_ATTEMPTS: positiveInt.default(3),
  QUIRE_STAGE_BACKOFF_MS: positiveInt.default(1000),
  QUIRE_WORKER_DEAD_AFTER_MS: positiveInt.min(1000).default(20_000),
  LLM_PROVIDER: z.enum(["local", "openai", "anthropic"]).default("local"),
  LLM_MODEL: z.string().min(1).optional(),
  EMBEDDING_PROVIDER: z.enum(["local", "openai"]).optional(),
  EMBEDDING_MODEL: z.string().min(1).optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.string().url().optional(),
  // Unset: the provider layer's default (DEFAULT_LIMITS in src/providers/provider-options.ts).
  LLM_MAX_CONCURRENT: positiveInt.optional(),
  LLM_RPM: positiveInt.optional(),
  LLM_MIN_TIME_MS: positiveInt.optional(),
  LLM_BATCH_POLL_MS: positiveInt.default(15_000),
  LLM_FALLBACKS: z
    .string()
    .transform((text, ctx) => {
      try {
        const parsed = z.record(z.string(), z.array(z.string().min(1))).safeParse(JSON.parse(text));
        if (parsed.success) return parsed.data;
      } catch {
        // Reported below with the expected shape.
      }
      ctx.addIssue({ code: "custom", message: 'must be JSON: {"purpose or *": ["model" or "provider:model", ...]}' });
      return z.NEVER;
    })
    .optional(),
  LLM_FALLBACK_COOLDOWN_MS: positiveInt.default(60_000),
  LLM_TPM: positiveInt.optional(),
  LLM_TIMEOUT_MS: positiveInt.default(60_000),
  LLM_MAX_ATTEMPTS: positiveInt.default(4),
  LLM_CACHE: booleanFlag.default(true),
  LLM_CACHE_TTL_SECONDS: positiveInt.default(7 * 24 * 3600),
  LLM_PRICES: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as Record<string, { input: number; output: number; cachedInput?: number }>;
      } catch {
        ctx.addIssue({ code: "custom", message: "must be JSON: {\"model\": {\"input\": usdPer1M, \"output\": usdPer1M}}" });
        return z.NEVER;
      }
    })
    .optional(),
  QUIRE_GRAPHQL_MAX_DEPTH: positiveInt.default(10),
  QUIRE_GRAPHQL_MAX_ALIASES: positiveInt.default(15),
  QUIRE_GRAPHQL_MAX_DIRECTIVES: positiveInt.default(50),
  QUIRE_GRAPHQL_MAX_TOKENS: positiveInt.default(1000),
  QUIRE_GRAPHQL_MAX_COST: positiveInt.default(5000),
  QUIRE_WS_INIT_TIMEOUT_MS: positiveInt.default(3000),
  QUIRE_WS_MAX_SUBSCRIPTIONS: positiveInt.default(50),
  QUIRE_WS_MAX_MESSAGE_KB: positiveInt.default(1024),
});

export type Env = z.input<typeof envSchema>;

/** Every variable Quire reads (a test checks the README documents each one). */
export const ENV_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

export interface Config {
  nodeEnv: "development" | "production" | "test";
  host: string;
  port: number;
  logLevel: string;
  databaseUrl: string | undefined;
  dataDir: string;
  dbPoolSize: number;
  role: "all" | "api" | "worker";
  redisUrl: string | undefined;
  shutdownTimeoutMs: number;
  introspection: boolean;
  /** First start (no user yet): create user "owner" with a key and print it once to stderr. */
  bootstrapKey: boolean;
  /** GraphQL operations per minute per user (HTTP, SSE and graphql-ws alike). */
  userRequestsPerMinute: number;
  /** Enforced by the batch service. */
  maxConcurrentBatchesPerUser: number;
  /** Multipart upload limits: files per request and bytes per file. */
  maxFiles: number;
  maxFileBytes: number;
  /** Form fields per generateBatch / generateBatchLive request. */
  maxFields: number;
  /** embedFile jobs one user may have queued or running at the same time. */
  maxConcurrentEmbeddingJobsPerUser: number;
  /** GraphQL Armor limits, applied to every operation on every transport. */
  graphqlLimits: { maxDepth: number; maxAliases: number; maxDirectives: number; maxTokens: number; maxCost: number };
  /** graphql-ws: time allowed for `connection_init`, operations per socket, bytes per message. */
  wsInitTimeoutMs: number;
  wsMaxSubscriptions: number;
  wsMaxMessageBytes: number;
  /** The document pipeline: limits, parallelism at document/page/render level, retries. */
  pipeline: {
    maxPages: number;
    maxConcurrentDocuments: number;
    pageConcurrency: number;
    memoryBudgetMb: number;
    renderWorkers: number;
    renderWorkerMemoryMb: number;
    pageTimeoutMs: number;
    maxPixelsPerPage: number;
    /** How rendered pages are stored: JPEG (fast, default) or PNG (lossless); quality for JPEG. */
    pageImageFormat: "jpeg" | "png";
    pageImageQuality: number;
    /** Worker threads of the text pool (layout, cleaning, summaries, chunking, token counting). */
    textWorkers: number;
    /** Niceness of render workers and text threads, so the API's event loop keeps priority. */
    workerNice: number;
    stageMaxAttempts: number;
    stageBackoffMs: number;
    workerDeadAfterMs: number;
  };
  /** The provider layer (see src/providers/provider-config.ts). Keys never reach logs. */
  providers: {
    provider: "local" | "openai" | "anthropic";
    model: string | undefined;
    embeddingProvider: "local" | "openai" | undefined;
    embeddingModel: string | undefined;
    openaiApiKey: string | undefined;
    openaiBaseUrl: string | undefined;
    anthropicApiKey: string | undefined;
    anthropicBaseUrl: string | undefined;
    maxConcurrent: number | undefined;
    requestsPerMinute: number | undefined;
    tokensPerMinute: number | undefined;
    minTimeMs: number | undefined;
    /** Base delay between polls of a provider batch (grows 1.5x per poll, up to 60x). */
    batchPollMs: number;
    /** Ordered fallback models per purpose ("*" for any), and how long a failing model is skipped. */
    fallbacks: Record<string, string[]> | undefined;
    fallbackCooldownMs: number;
    timeoutMs: number;
    maxAttempts: number;
    cacheEnabled: boolean;
    cacheTtlMs: number;
    prices: Record<string, { input: number; output: number; cachedInput?: number }> | undefined;
  };
  cpuCount: number;
}

/** Thrown with every invalid variable named, so a user fixes them all in one go. */
export class ConfigError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join("\n")}`);
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/** Parses the environment once; the result is passed down, never re-read. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset" (e.g. `DATABASE_URL= npm start`).
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        // Never echo a secret back, even a malformed one.
        const shown = /KEY|PASSWORD|SECRET|TOKEN|DATABASE_URL|REDIS_URL/.test(name) ? "[hidden]" : JSON.stringify(present[name]);
        return `${issue.path.join(".")}: ${issue.message} (got ${shown})`;
      }),
    );
  }
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.QUIRE_DATA_DIR,
    dbPoolSize: e.QUIRE_DB_POOL_SIZE,
    role: e.QUIRE_ROLE,
    redisUrl: e.REDIS_URL,
    shutdownTimeoutMs: e.QUIRE_SHUTDOWN_TIMEOUT_MS,
    introspection: e.QUIRE_INTROSPECTION ?? e.NODE_ENV !== "production",
    bootstrapKey: e.QUIRE_BOOTSTRAP_KEY ?? e.NODE_ENV !== "test",
    userRequestsPerMinute: e.QUIRE_USER_RPM,
    maxConcurrentBatchesPerUser: e.QUIRE_MAX_CONCURRENT_BATCHES_PER_USER,
    maxFiles: e.QUIRE_MAX_FILES,
    maxFileBytes: e.QUIRE_MAX_FILE_MB * 1024 * 1024,
    maxFields: e.QUIRE_MAX_FIELDS,
    maxConcurrentEmbeddingJobsPerUser: e.QUIRE_MAX_CONCURRENT_EMBEDDING_JOBS_PER_USER,
    graphqlLimits: {
      maxDepth: e.QUIRE_GRAPHQL_MAX_DEPTH,
      maxAliases: e.QUIRE_GRAPHQL_MAX_ALIASES,
      maxDirectives: e.QUIRE_GRAPHQL_MAX_DIRECTIVES,
      maxTokens: e.QUIRE_GRAPHQL_MAX_TOKENS,
      maxCost: e.QUIRE_GRAPHQL_MAX_COST,
    },
    wsInitTimeoutMs: e.QUIRE_WS_INIT_TIMEOUT_MS,
    wsMaxSubscriptions: e.QUIRE_WS_MAX_SUBSCRIPTIONS,
    wsMaxMessageBytes: e.QUIRE_WS_MAX_MESSAGE_KB * 1024,
    pipeline: {
      maxPages: e.QUIRE_MAX_PAGES,
      maxConcurrentDocuments: e.QUIRE_MAX_CONCURRENT_DOCUMENTS,
      pageConcurrency: e.QUIRE_PAGE_CONCURRENCY ?? (e.QUIRE_RENDER_WORKERS ?? os.availableParallelism()) * 2,
      memoryBudgetMb: e.QUIRE_MEMORY_BUDGET_MB,
      renderWorkers: e.QUIRE_RENDER_WORKERS ?? os.availableParallelism(),
      renderWorkerMemoryMb: e.QUIRE_RENDER_WORKER_MEMORY_MB,
      pageTimeoutMs: e.QUIRE_PAGE_TIMEOUT_MS,
      maxPixelsPerPage: e.QUIRE_MAX_PIXELS_PER_PAGE,
      pageImageFormat: e.QUIRE_PAGE_IMAGE_FORMAT,
      pageImageQuality: e.QUIRE_PAGE_IMAGE_QUALITY,
      // Render workers take a core each; text work comes in bursts between a document's page
      // stages, so half as many threads (at least one) keeps the sum near the core count, and
      // both run niced below the API process.
      textWorkers: e.QUIRE_TEXT_WORKERS ?? Math.max(1, Math.floor(os.availableParallelism() / 2)),
      workerNice: e.QUIRE_WORKER_NICE,
      stageMaxAttempts: e.QUIRE_STAGE_MAX_ATTEMPTS,
      stageBackoffMs: e.QUIRE_STAGE_BACKOFF_MS,
      workerDeadAfterMs: e.QUIRE_WORKER_DEAD_AFTER_MS,
    },
    providers: {
      provider: e.LLM_PROVIDER,
      model: e.LLM_MODEL,
      embeddingProvider: e.EMBEDDING_PROVIDER,
      embeddingModel: e.EMBEDDING_MODEL,
      openaiApiKey: e.OPENAI_API_KEY,
      openaiBaseUrl: e.OPENAI_BASE_URL,
      anthropicApiKey: e.ANTHROPIC_API_KEY,
      anthropicBaseUrl: e.ANTHROPIC_BASE_URL,
      maxConcurrent: e.LLM_MAX_CONCURRENT,
      requestsPerMinute: e.LLM_RPM,
      tokensPerMinute: e.LLM_TPM,
      minTimeMs: e.LLM_MIN_TIME_MS,
      batchPollMs: e.LLM_BATCH_POLL_MS,
      fallbacks: e.LLM_FALLBACKS,
      fallbackCooldownMs: e.LLM_FALLBACK_COOLDOWN_MS,
      timeoutMs: e.LLM_TIMEOUT_MS,
      maxAttempts: e.LLM_MAX_ATTEMPTS,
      cacheEnabled: e.LLM_CACHE,
      cacheTtlMs: e.LLM_CACHE_TTL_SECONDS * 1000,
      prices: e.LLM_PRICES,
    },
    cpuCount: os.availableParallelism(),
  };
}


