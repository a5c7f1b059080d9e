import { UnauthenticatedError } from "../../../src/auth/auth-errors.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeApiKey } from "../../../src/auth/api-key-service.ts";
import type { GraphQLContext } from "../../../src/schema/context.ts";
import { expectedGraphQLError } from "../../../src/schema/error-mapping.ts";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";
import { sseResults } from "./security-support.ts";

const healthQuery = "{ health { status } }";

describe("authentication over HTTP and SSE", () => {
  let testApp: TestApp;
  let user: TestUserWithKey;
  let port: number;
  beforeAll(async () => {
    testApp = await startTestApp({ listen: true });
    user = await createTestUserWithKey(testApp.app.services().db.prisma);
    port = testApp.app.address()!.port;
  });
  afterAll(async () => {
    await testApp.close();
  });

  /** The GraphQL context Yoga builds for a request with these headers. */
  async function contextFor(headers: Record<string, string>): Promise<GraphQLContext> {
    const request = new Request("http://quire.test/graphql", { method: "POST", headers });
    return (await testApp.app.yoga.getEnveloped({ request }).contextFactory()) as unknown as GraphQLContext;
  }

  it("puts the key's viewer in the context", async () => {
    const context = await contextFor(user.headers);
    expect(context.viewer()).toEqual({ userId: user.userId, apiKeyId: user.apiKeyId });
    expect(context.viewer()).toBe(context.viewer()); // resolved once per request
  });

  it("lets anonymous requests reach public fields, while viewer() throws UNAUTHENTICATED (401)", async () => {
    const context = await contextFor({});
    let error: unknown;
    try {
      context.viewer();
    } catch (caught) {
      error = caught;
    }
    // A domain error; the one mapping gives it its code and HTTP status.
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(expectedGraphQLError(error)?.extensions).toMatchObject({ code: "UNAUTHENTICATED", http: { status: 401 } });

    const result = await testApp.graphql(healthQuery);
    expect(result).toEqual({ data: { health: { status: "ok" } } });
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
  });

  it("answers a field that needs the viewer with 401 UNAUTHENTICATED without a key, and data with one", async () => {
    const query = "{ batches(first: 1) { edges { cursor } } }";
    const anonymous = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
    expect(anonymous.status).toBe(401);
    const body = (await anonymous.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]!.extensions.code).toBe("UNAUTHENTICATED");
    expect(await testApp.graphql(query, undefined, user.headers)).toEqual({ data: { batches: { edges: [] } } });
  });

  it("answers health with a valid key", async () => {
    expect(await testApp.graphql(healthQuery, undefined, user.headers)).toEqual({ data: { health: { status: "ok" } } });
  });

  it.each([
    ["an unknown key", `Bearer qk_${"A".repeat(43)}`],
    ["a malformed key", "Bearer not-a-key"],
    ["another scheme", "Basic dXNlcjpwYXNzd29yZA=="],
  ])("refuses the whole request with 401 for %s", async (_label, authorization) => {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization },
      body: JSON.stringify({ query: healthQuery }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const body = (await response.json()) as { data?: unknown; errors: { extensions: Record<string, unknown> }[] };
    expect(body.data).toBeUndefined();
    expect(body.errors[0]!.extensions.code).toBe("UNAUTHENTICATED");
  });

  it("stops accepting a key as soon as it is revoked", async () => {
    const other = await createTestUserWithKey(testApp.app.services().db.prisma);
    expect((await testApp.graphql(healthQuery, undefined, other.headers)).errors).toBeUndefined();
    await revokeApiKey(testApp.app.services().db.prisma, other.apiKeyId);
    const result = await testApp.graphql(healthQuery, undefined, other.headers);
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("authenticates SSE subscriptions with the same header", async () => {
    const subscription = "subscription { health(intervalMs: 100) { status } }";
    const ok = await sseResults(port, subscription, { headers: user.headers, count: 2 });
    expect(ok.status).toBe(200);
    expect(ok.results).toEqual([{ data: { health: { status: "ok" } } }, { data: { health: { status: "ok" } } }]);

    const refused = await sseResults(port, subscription, { headers: { authorization: `Bearer qk_${"B".repeat(43)}` } });
    expect(refused.status).toBe(401);
    expect(JSON.stringify(refused.results)).toContain("UNAUTHENTICATED");
  });
});

describe("per-user request quota", () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({ listen: true, env: { QUIRE_USER_RPM: "3" } });
  });
  afterAll(async () => {
    await testApp.close();
  });

  it("refuses the request over the quota with RATE_LIMITED, 429 and Retry-After; other users are unaffected", async () => {
    const prisma = testApp.app.services().db.prisma;
    const alice = await createTestUserWithKey(prisma);
    const bob = await createTestUserWithKey(prisma);
    for (let index = 0; index < 3; index++) {
      expect((await testApp.graphql(healthQuery, undefined, alice.headers)).errors).toBeUndefined();
    }
    const response = await fetch(`http://127.0.0.1:${testApp.app.address()!.port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...alice.headers },
      body: JSON.stringify({ query: healthQuery }),
    });
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors[0]!.extensions).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: retryAfter });
    expect(body.errors[0]!.extensions.retryAfterMs).toBeGreaterThan(0);

    expect((await testApp.graphql(healthQuery, undefined, bob.headers)).errors).toBeUndefined();
    // Anonymous requests to public fields have no user quota to spend.
    expect((await testApp.graphql(healthQuery)).errors).toBeUndefined();
  });
});
