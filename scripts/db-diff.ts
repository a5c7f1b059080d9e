import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { diffMigrationsToSchema } from "../src/db/migrations.ts";
import { withDatabaseUrl } from "./database-url.ts";

// Usage: npm run db:diff -- <migration_name>
// Writes prisma/migrations/<timestamp>_<name>/migration.sql with what the schema adds.
const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]/gi, "_").toLowerCase();
if (!name) {
  console.error("Usage: npm run db:diff -- <migration_name>");
  process.exit(2);
}
const root = fileURLToPath(new URL("..", import.meta.url));
const migrationsDir = path.join(root, "prisma/migrations");
const sql = await withDatabaseUrl((url) => diffMigrationsToSchema(url, migrationsDir, path.join(root, "prisma/schema.prisma")));
if (!sql) {
  console.log("prisma/schema.prisma and the migrations agree; nothing to write.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join(migrationsDir, `${stamp}_${name}`);
await mkdir(dir, { recursive: true });
await writeFile(path.join(dir, "migration.sql"), sql);

console.log(`Wrote ${path.relative(root, dir)}/migration.sql`);
