import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../src/db/embedded-postgres.ts";
import { applyMigrations } from "../../src/db/migrations.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { withDatabaseName } from "./database-urls.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of a database on the test server from which databases can be created. */
    adminDatabaseUrl: string;
    /** A database with every migration applied, cloned for each test file. */
    templateDatabase: string;
    /** True when no DATABASE_URL was given and the run started its own PostgreSQL. */
    embeddedDatabase: boolean;
  }
}

const migrationsDir = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

async function migrationsFingerprint(): Promise<string> {
  const hash = createHash("sha256");
  for (const entry of (await readdir(migrationsDir)).sort()) {
    hash.update(entry);
    hash.update(await readFile(path.join(migrationsDir, entry, "migration.sql")).catch(() => Buffer.alloc(0)));
  }
  return hash.digest("hex").slice(0, 12);
}

/**
 * Integration tests run on real PostgreSQL: DATABASE_URL's server when set, otherwise an
 * embedded server started for the run. One template database is migrated here; each test
 * file clones it (CREATE DATABASE ... TEMPLATE), which takes milliseconds.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const logger = createLogger("warn");
  let adminUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let dataDir: string | undefined;
  if (!adminUrl) {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "quire-test-pg-"));
    const embedded = await startEmbeddedPostgres(dataDir, logger);
    adminUrl = embedded.adminUrl;
    stopEmbedded = () => embedded.stop();
  }

  const template = `quire_template_${await migrationsFingerprint()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${template}"`);
    await admin.query(`CREATE DATABASE "${template}"`);
  } finally {
    await admin.end();
  }
  await applyMigrations(withDatabaseName(adminUrl, template), migrationsDir);

  project.provide("adminDatabaseUrl", adminUrl);
  project.provide("templateDatabase", template);
  project.provide("embeddedDatabase", Boolean(stopEmbedded));

  return async () => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
    await stopEmbedded?.();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
}
