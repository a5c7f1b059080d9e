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
