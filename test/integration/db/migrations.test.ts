import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { applyMigrations, diffMigrationsToSchema, readMigrationList } from "../../../src/db/migrations.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.ts";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const migrationsDir = path.join(root, "prisma/migrations");

describe("migrations", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it("prisma/schema.prisma and prisma/migrations agree (run `npm run db:diff -- <name>` if not)", async () => {
    const sql = await diffMigrationsToSchema(inject("adminDatabaseUrl"), migrationsDir, path.join(root, "prisma/schema.prisma"));
    expect(sql).toBe("");
  });

  it("records every migration in _prisma_migrations with the checksum prisma migrate deploy uses", async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
        "SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name",
      );
      const list = await readMigrationList(migrationsDir);
      expect(rows.map((row) => row.migration_name)).toEqual(list.migrationDirectories.map((dir) => dir.path));
      for (const row of rows) {
        const sql = await readFile(path.join(migrationsDir, row.migration_name, "migration.sql"));
        expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
        expect(row.finished_at).not.toBeNull();
      }
    } finally {
      await client.end();
    }
  });

  it("applies nothing the second time", async () => {
    expect(await applyMigrations(database.url, migrationsDir)).toEqual([]);
  });
});
