import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";

describe("health", () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({ listen: true });
  });
  afterAll(async () => {
    await testApp.close();
  });

  it("answers the health query once the database is migrated", async () => {
    const result = await testApp.graphql<{ health: { status: string; database: boolean } }>(
      "{ health { status database role } }",
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.health).toMatchObject({ status: "ok", database: true });
  });

  it("serves GET /health with 200 and GraphiQL to browsers", async () => {
    const { port } = testApp.app.address()!;
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", database: true });
    const graphiql = await fetch(`http://127.0.0.1:${port}/graphql`, { headers: { accept: "text/html" } });
    expect(await graphiql.text()).toContain("<title>Quire</title>");
  });

  it("masks unexpected errors and reports invalid queries with a code", async () => {
    const result = await testApp.graphql("{ nope }");
    expect(result.errors?.[0]?.message).toMatch(/Cannot query field "nope"/);
  });
});

describe("request logs", () => {
  it("writes one JSON line per operation with the request id, and never the variables", async () => {
    const { Writable } = await import("node:stream");
    const { buildApp } = await import("../../../src/app.ts");
    const { loadConfig } = await import("../../../src/config.ts");
    const { createLogger } = await import("../../../src/logging/logger.ts");
    const { createTestDatabase } = await import("../../helpers/test-database.ts");
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split("\n").filter(Boolean));
        done();
      },
    });
    const database = await createTestDatabase();
    const app = buildApp(loadConfig({ DATABASE_URL: database.url, NODE_ENV: "test" }), { logger: createLogger("info", sink) });
    await app.start({ listen: false });
    try {
      await app.yoga.fetch("http://quire.test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", "x-request-id": "trace-123" },
        body: JSON.stringify({ query: "query Probe($on: Boolean!) { health @include(if: $on) { status } }", variables: { on: true, secret: "hunter2" } }),
      });
      const entry = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === "graphql operation");
      expect(entry).toMatchObject({ requestId: "trace-123", operationName: "Probe", operationType: "query", errors: 0 });
      expect(typeof entry!.durationMs).toBe("number");
      expect(lines.join("\n")).not.toContain("hunter2");
    } finally {
      await app.stop();
      await database.drop();
    }
  });
});
