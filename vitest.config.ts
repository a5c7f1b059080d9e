import { defineConfig } from "vitest/config";

// graphql ships CommonJS (main) and ESM (module) builds. Node loads the CommonJS one for
// Pothos and for us; Vite would hand our files the ESM one, and graphql rejects types from
// "another module or realm". Pin everyone to the build Node uses.
const sharedResolve = { alias: { graphql: "graphql/index.js" } };

export default defineConfig({
  resolve: sharedResolve,
  test: {
    projects: [
      {
        resolve: sharedResolve,
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          setupFiles: ["test/helpers/leak-check.ts"],
          environment: "node",
          testTimeout: 20_000,
        },
      },
      {
        resolve: sharedResolve,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/helpers/global-database-setup.ts"],
          setupFiles: ["test/helpers/leak-check.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Each file gets its own database; files run in parallel processes.
          pool: "forks",
          fileParallelism: true,
        },
      },
    ],
  },
});
