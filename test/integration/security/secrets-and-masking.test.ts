import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp, type App } from "../../../src/app.ts";
import { authenticate } from "../../../src/auth/api-key-service.ts";
import { loadConfig } from "../../../src/config.ts";
import { createLogger } from "../../../src/logging/logger.ts";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.ts";
import { startTestApp } from "../../helpers/test-app.ts";
import { captureStream, openRawSocket, sseResults, wsClient, wsFirstResult } from "./security-support.ts";

const healthQuery = "{ health { status } }";
const unknownKey = `qk_${"Z".repeat(43)}`;

function appOn(database: TestDatabase, env: Record<string, string>, options: Parameters<typeof buildApp>[1]): App {
  return buildApp(loadConfig({ DATABASE_URL: database.url, PORT: "0", NODE_ENV: "test", LOG_LEVEL: "debug", ...env }), options);
}

describe("first start", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it("creates the owner's key on an empty database and prints it once to stderr, never to the logs", async () => {
    const logs = captureStream();
    let stderr = "";
    const sink = { write: (text: string) => (stderr += text) };
    const first = appOn(database, { QUIRE_BOOTSTRAP_KEY: "true" }, { logger: createLogger("debug", logs.stream), stderr: sink });
    await first.start();
    let key: string;
    try {
      key = /qk_[A-Za-z0-9_-]{43}/.exec(stderr)?.[0] ?? "";
      expect(key).not.toBe("");
      expect(stderr).toMatch(/^┌─+┐\n/);
      expect(stderr).toContain(`"Authorization: Bearer <key>"`);
      expect(stderr).toContain(`http://127.0.0.1:${first.address()!.port}/graphql`);
      expect(logs.text()).toContain("first start");
      expect(logs.text()).not.toContain(key);
      const viewer = await authenticate(first.services().db.prisma, key);
      expect(viewer).not.toBeNull();
      const users = await first.services().db.prisma.user.findMany();
      expect(users.map((user) => user.name)).toEqual(["owner"]);
    } finally {
      await first.stop();
    }

    stderr = "";
    const second = appOn(database, { QUIRE_BOOTSTRAP_KEY: "true" }, { logger: createLogger("silent"), stderr: sink });
    await second.start({ listen: false });
    await second.stop();
    expect(stderr).toBe("");
  });

  it("is off under NODE_ENV=test unless asked for, so test apps start without users", async () => {
    const testApp = await startTestApp();
    try {
      expect(await testApp.app.services().db.prisma.user.count()).toBe(0);
    } finally {
      await testApp.close();
    }
  });
});

describe("secrets never reach logs or clients", () => {
  let database: TestDatabase;
  let app: App;
  let user: TestUserWithKey;
  let port: number;
  const logs = captureStream();
  const responses: string[] = [];
  const originalConsoleError = console.error;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    app = appOn(database, {}, { logger: createLogger("trace", logs.stream) });
    await app.start();
    port = app.address()!.port;
    user = await createTestUserWithKey(app.services().db.prisma);
    // graphql-ws reports some failures with console.error: they must not carry keys either.
    console.error = (...args: unknown[]) => consoleErrors.push(args.map(String).join(" "));
  });
  afterAll(async () => {
    console.error = originalConsoleError;
    await app.stop();
    await database.drop();
  });

  async function post(query: string, authorization?: string) {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "secrets-test", ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ query }),
    });
    const text = await response.text();
    responses.push(text);
    return { status: response.status, text };
  }

  it("keeps keys out of logs at trace level, over HTTP, SSE and graphql-ws", async () => {
    expect((await post(healthQuery, `Bearer ${user.key}`)).status).toBe(200);
    expect((await post("{ nope }", `Bearer ${user.key}`)).status).toBe(200);
    expect((await post(healthQuery, `Bearer ${unknownKey}`)).status).toBe(401);
    responses.push(JSON.stringify(await sseResults(port, "subscription { health(intervalMs: 100) { status } }", { headers: user.headers, count: 1 })));

    const client = wsClient(port, user.connectionParams);
    responses.push(JSON.stringify(await wsFirstResult(client, healthQuery)));
    responses.push(JSON.stringify(await wsFirstResult(client, "{ nope }")));
    await client.dispose();
    const refused = await openRawSocket(port);
    refused.send({ type: "connection_init", payload: { authorization: `Bearer ${unknownKey}` } });
    responses.push(JSON.stringify(await refused.closed));

    // pino writes asynchronously: wait for the line this test needs, not for a fixed time.
    await vi.waitUntil(() => logs.text().includes("rejected an invalid or revoked API key"), { timeout: 5_000 });
    const logged = logs.text();
    for (const output of [logged, responses.join("\n"), consoleErrors.join("\n")]) {
      expect(output).not.toContain(user.key);
      expect(output).not.toContain(user.key.slice(3, 20));
      expect(output).not.toContain(unknownKey);
      expect(output).not.toMatch(/Bearer qk_/);
    }
  });

  it("masks unexpected errors on HTTP and graphql-ws: no SQL, paths, stacks or keys", async () => {
    const prisma = app.services().db.prisma;
    await prisma.$executeRawUnsafe('ALTER TABLE "api_keys" RENAME TO "api_keys_hidden"');
    try {
      const http = await post(healthQuery, `Bearer ${user.key}`);
      expect(http.status).toBe(500);
      expect(JSON.parse(http.text)).toEqual({
        errors: [{ message: "Unexpected error.", extensions: { code: "INTERNAL_SERVER_ERROR" } }],
      });

      const socket = await openRawSocket(port);
      socket.send({ type: "connection_init", payload: user.connectionParams });
      expect(await socket.closed).toEqual({ code: 4500, reason: "Internal server error" });
    } finally {
      await prisma.$executeRawUnsafe('ALTER TABLE "api_keys_hidden" RENAME TO "api_keys"');
    }
    // Operators still find the cause in the logs, without the key.
    await vi.waitUntil(() => /api_keys/.test(logs.text()), { timeout: 5_000 });
    for (const output of [responses.join("\n"), logs.text(), consoleErrors.join("\n")]) {
      expect(output).not.toContain(user.key);
    }
    const clientFacing = responses.join("\n");
    for (const leak of [/api_keys/, /prisma/i, /\/work\//, /node_modules/, /\bat .+:\d+:\d+/, /SELECT|relation/i]) {
      expect(clientFacing).not.toMatch(leak);
    }
  });
});
