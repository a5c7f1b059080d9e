import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { MigrationList, SchemaFilter } from "@prisma/schema-engine-wasm";
import { openSchemaEngine, type SchemaFile } from "./schema-engine.ts";

const noFilter: SchemaFilter = { externalTables: [], externalEnums: [] };

/** Reads prisma/migrations the way `prisma migrate deploy` does. */
export async function readMigrationList(migrationsDir: string): Promise<MigrationList> {
  const baseDir = path.resolve(migrationsDir);
  const entries = await readdir(baseDir, { withFileTypes: true }).catch(() => []);
  const directories = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  const lockfileContent = await readFile(path.join(baseDir, "migration_lock.toml"), "utf8").catch(() => null);
  return {
    baseDir,
    lockfile: { path: "migration_lock.toml", content: lockfileContent },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(
      directories.map(async (directory) => {
        const content = await readFile(path.join(baseDir, directory, "migration.sql"), "utf8").then(
          (value) => ({ tag: "ok" as const, value }),
          (error: Error) => ({ tag: "error" as const, value: error.message }),
        );
        return { path: directory, migrationFile: { path: "migration.sql", content } };
      }),
    ),
  };
}

/**
 * Applies every migration not yet recorded in `_prisma_migrations` (the table and checksums
 * are the schema engine's own, so `prisma migrate deploy` agrees with the result).
 * Returns the names applied now.
 */
export async function applyMigrations(databaseUrl: string, migrationsDir: string): Promise<string[]> {
  const schemaEngine = await openSchemaEngine(databaseUrl);
  const { engine } = schemaEngine;
  try {
    const migrationsList = await readMigrationList(migrationsDir);
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: noFilter });
    return appliedMigrationNames;
  } finally {
    await schemaEngine.close();
  }
}

export async function readSchemaFile(schemaPath: string): Promise<SchemaFile> {
  return { path: path.basename(schemaPath), content: await readFile(schemaPath, "utf8") };
}

/**
 * The SQL that would take a database built from the migrations to the Prisma schema.
 * Empty when they agree. Replays the migrations in a throwaway shadow database on the
 * server of `databaseUrl`.
 */
export async function diffMigrationsToSchema(
  databaseUrl: string,
  migrationsDir: string,
  schemaPath: string,
): Promise<string> {
  const schema = await readSchemaFile(schemaPath);
  const schemaEngine = await openSchemaEngine(databaseUrl, [schema]);
  const { engine } = schemaEngine;
  try {
    const migrationsList = await readMigrationList(migrationsDir);
    const result = await engine.diff({
      from: { tag: "migrations", ...migrationsList },
      to: { tag: "schemaDatamodel", files: [schema] },
      script: true,
      exitCode: null,
      filters: noFilter,
    });
    const sql = result.stdout ?? "";
    return /^\s*(--.*\n?)*\s*$/.test(sql) || sql.includes("This is an empty migration") ? "" : sql;
  } finally {
    await schemaEngine.close();
  }
}
