import type { Logger } from "pino";
import type { Config } from "../config.ts";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";
import { applyMigrations } from "./migrations.ts";
import { createPrismaClient, type PrismaClient } from "./prisma-client.ts";

export interface Database {
  /** Connection URL in use (never logged: it may hold a password). */
  url: string;
  prisma: PrismaClient;
  /** True when Quire started the server itself (no DATABASE_URL). */
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL when it is unset, then
 * applies pending migrations before anything else touches the database.
 */
export async function openDatabase(
  config: Config,
  logger: Logger,
  migrationsDir: string,
  options: { onQuery?: () => void } = {},
): Promise<Database> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, logger);
  const url = config.databaseUrl ?? embedded!.url;
  try {
    const applied = await applyMigrations(url, migrationsDir);
    if (applied.length > 0) logger.info({ migrations: applied }, "applied database migrations");
    const prisma = createPrismaClient(url, { poolSize: config.dbPoolSize, onQuery: options.onQuery });
    await prisma.$queryRaw`SELECT 1`;
    return {
      url,
      prisma,
      embedded: Boolean(embedded),
      close: async () => {
        // The embedded server stops even when the pool fails to close.
        try {
          await prisma.$disconnect();
        } finally {
          await embedded?.stop();
        }
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
