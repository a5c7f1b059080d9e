import { defineConfig } from "prisma/config";

// Used by the Prisma CLI (generate). Migrations run through src/db/schema-engine.ts instead,
// because the CLI's schema engine is a binary this project must not download.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
