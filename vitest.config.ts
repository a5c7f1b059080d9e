import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/helpers/global-database-setup.ts"],
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
