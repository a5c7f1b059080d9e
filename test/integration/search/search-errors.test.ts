import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";

/** A port that refuses connections: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("search: expected failures carry their code", () => {
  let testApp: TestApp;
  let user: TestUserWithKey;

  beforeAll(async () => {
    testApp = await startTestApp({
      env: { EMBEDDING_PROVIDER: "openai", OPENAI_BASE_URL: `http://127.0.0.1:${await closedPort()}/v1`, LLM_MAX_ATTEMPTS: "1" },
    });
    user = await createTestUserWithKey(testApp.app.services().db.prisma);
  });
  afterAll(async () => {
    await testApp.close();
  });

  it("answers a PROVIDER_* code, not INTERNAL_SERVER_ERROR, when the embedding provider is down", async () => {
    const result = await testApp.graphql(`{ search(query: "fixture", k: 3) { documentId } }`, {}, user.headers);
    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.extensions?.code).toMatch(/^PROVIDER_/);
    expect(result.errors![0]!.message).not.toMatch(/Unexpected error/);
    expect(result.errors![0]!.message).not.toContain("127.0.0.1");
  });

  it("names a bad argument with BAD_USER_INPUT", async () => {
    const result = await testApp.graphql(`{ search(query: "fixture", k: 0) { documentId } }`, {}, user.headers);
    expect(result.errors![0]).toMatchObject({ message: "k must be a whole number from 1 to 100.", extensions: { code: "BAD_USER_INPUT" } });
  });
});
