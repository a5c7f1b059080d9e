import { createLogger } from "../src/logging/logger.ts";
import { loadConfig } from "../src/config.ts";
import { startEmbeddedPostgres } from "../src/db/embedded-postgres.ts";

/**
 * The database scripts work on DATABASE_URL, or on the embedded server under
 * QUIRE_DATA_DIR when it is unset (the same default as `npm start`).
 */
export async function withDatabaseUrl<T>(task: (url: string) => Promise<T>): Promise<T> {
  const config = loadConfig();
  if (config.databaseUrl) return task(config.databaseUrl);
  const embedded = await startEmbeddedPostgres(config.dataDir, createLogger("warn"));
  try {
    return await task(embedded.url);
  } finally {
    await embedded.stop();
  }
}
