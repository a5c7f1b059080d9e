import { buildApp, type App, type AppOptions } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { createTestDatabase, type TestDatabase } from "./test-database.ts";

export interface TestApp {
  app: App;
  database: TestDatabase;
  /** POSTs a GraphQL operation through yoga.fetch and returns the parsed body. */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }>;
  close(): Promise<void>;
}

/** An app on a database of its own, started in-process (listening on a free port if asked). */
export async function startTestApp(
  options: { listen?: boolean; env?: Record<string, string>; appOptions?: Omit<AppOptions, "logger"> } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({ DATABASE_URL: database.url, PORT: "0", LOG_LEVEL: "silent", NODE_ENV: "test", ...options.env });
  // TEST_LOG_LEVEL=debug shows the app's logs when a test needs diagnosing.
  const app = buildApp(config, { ...options.appOptions, logger: createLogger(process.env.TEST_LOG_LEVEL ?? "silent") });
  await app.start({ listen: options.listen ?? false });
  return {
    app,
    database,
    async graphql(query, variables, headers = {}) {
      const response = await app.yoga.fetch("http://quire.test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as never;
    },
    async close() {
      await app.stop();
      await database.drop();
    },
  };
}
