import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createPrismaClient, type PrismaClient } from "../../src/db/prisma-client.ts";
import { withDatabaseName } from "./database-urls.ts";

export interface TestDatabase {
  /** URL of a fresh, fully migrated database of its own. */
  url: string;
  /** Drops the database (and any connection still open to it). */
  drop(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject("adminDatabaseUrl") });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A database of this test file's own, cloned from the migrated template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `quire_t_${randomBytes(6).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${inject("templateDatabase")}"`);
  return {
    url: withDatabaseName(inject("adminDatabaseUrl"), name),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** A test database with a Prisma client on it; `close` disconnects and drops. */
export async function createTestPrisma(): Promise<TestDatabase & { prisma: PrismaClient; close(): Promise<void> }> {
  const database = await createTestDatabase();
  const prisma = createPrismaClient(database.url, { poolSize: 4 });
  return {
    ...database,
    prisma,
    close: async () => {
      await prisma.$disconnect();
      await database.drop();
    },
  };
}
