import { fileURLToPath } from "node:url";
import { applyMigrations } from "../src/db/migrations.ts";
import { withDatabaseUrl } from "./database-url.ts";

const migrationsDir = fileURLToPath(new URL("../prisma/migrations", import.meta.url));
const applied = await withDatabaseUrl((url) => applyMigrations(url, migrationsDir));
console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
