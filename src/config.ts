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
});

export type Env = z.input<typeof envSchema>;

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
      parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message} (got ${JSON.stringify(present[String(issue.path[0])])})`),
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
    cpuCount: os.availableParallelism(),
  };
}


