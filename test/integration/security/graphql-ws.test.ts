import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { GraphQLContext, Viewer } from "../../../src/schema/context.ts";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";
import { openRawSocket, wsClient, wsFirstResult, type RawSocket } from "./security-support.ts";

const healthSubscription = "subscription { health(intervalMs: 100) { status } }";
const maxSubscriptions = 3;

describe("graphql-ws security", () => {
  let testApp: TestApp;
  let user: TestUserWithKey;
  let port: number;
  beforeAll(async () => {
    testApp = await startTestApp({
      listen: true,
      env: { QUIRE_WS_INIT_TIMEOUT_MS: "300", QUIRE_WS_MAX_SUBSCRIPTIONS: String(maxSubscriptions) },
    });
    user = await createTestUserWithKey(testApp.app.services().db.prisma);
    port = testApp.app.address()!.port;
  });
  afterAll(async () => {
    await testApp.close();
  });

  async function initialised(connectionParams: Record<string, unknown> = user.connectionParams): Promise<RawSocket> {
    const socket = await openRawSocket(port);
    socket.send({ type: "connection_init", payload: connectionParams });
    await socket.message((message) => message.type === "connection_ack");
    return socket;
  }

  it("passes the socket's viewer into the context of every operation", async () => {
    const viewers: Viewer[] = [];
    const yoga = testApp.app.yoga as unknown as { getEnveloped: TestApp["app"]["yoga"]["getEnveloped"] };
    const getEnveloped = yoga.getEnveloped;
    // Observe the contexts graphql-ws builds through Yoga's pipeline (no field returns the viewer).
    yoga.getEnveloped = ((initial: Record<string, unknown>) => {
      const enveloped = getEnveloped(initial as never);
      const contextFactory = enveloped.contextFactory;
      enveloped.contextFactory = (async () => {
        const context = (await contextFactory()) as unknown as GraphQLContext;
        viewers.push(context.viewer());
        return context;
      }) as never;
      return enveloped;
    }) as typeof getEnveloped;
    const client = wsClient(port, user.connectionParams);
    try {
      expect(await wsFirstResult(client, "{ health { status } }")).toEqual({ data: { health: { status: "ok" } } });
      expect(await wsFirstResult(client, healthSubscription)).toEqual({ data: { health: { status: "ok" } } });
      // A field that calls context.viewer() works on the socket's key.
      expect(await wsFirstResult(client, "{ batches(first: 1) { edges { cursor } } }")).toEqual({ data: { batches: { edges: [] } } });
    } finally {
      yoga.getEnveloped = getEnveloped;
      await client.dispose();
    }
    expect(viewers).toEqual([1, 2, 3].map(() => ({ userId: user.userId, apiKeyId: user.apiKeyId })));
  });

  it("accepts the key with or without the Bearer scheme", async () => {
    for (const authorization of [user.key, `Bearer ${user.key}`]) {
      const socket = await initialised({ authorization });
      socket.close();
      await socket.closed;
    }
  });

  it.each([
    ["a bad key", { authorization: `Bearer qk_${"C".repeat(43)}` }],
    ["a malformed key", { authorization: "Bearer nope" }],
    ["no key", {}],
    ["no payload at all", undefined],
  ])("closes with 4403 Forbidden for %s", async (_label, payload) => {
    const socket = await openRawSocket(port);
    socket.send(payload ? { type: "connection_init", payload } : { type: "connection_init" });
    expect(await socket.closed).toEqual({ code: 4403, reason: "Forbidden" });
  });

  it("refuses the official client without a key", async () => {
    const client = wsClient(port);
    const result = await wsFirstResult(client, "{ health { status } }");
    await client.dispose();
    expect((result as { failure: { code?: number } }).failure).toMatchObject({ code: 4403 });
  });

  it("closes with 4401 when a subscribe comes before connection_init", async () => {
    const socket = await openRawSocket(port);
    socket.send({ id: "1", type: "subscribe", payload: { query: "{ health { status } }" } });
    expect(await socket.closed).toEqual({ code: 4401, reason: "Unauthorized" });
  });

  it("closes with 4409 on a duplicate operation id", async () => {
    const socket = await initialised();
    socket.send({ id: "same", type: "subscribe", payload: { query: healthSubscription } });
    await socket.message((message) => message.type === "next" && message.id === "same");
    socket.send({ id: "same", type: "subscribe", payload: { query: healthSubscription } });
    expect(await socket.closed).toEqual({ code: 4409, reason: "Subscriber for same already exists" });
  });

  it("closes with 4408 when connection_init does not come within the configured timeout", async () => {
    const socket = await openRawSocket(port);
    const started = Date.now();
    expect(await socket.closed).toEqual({ code: 4408, reason: "Connection initialisation timeout" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("answers the subscription over the per-socket cap with an error and keeps the socket open", async () => {
    const socket = await initialised();
    for (let index = 1; index <= maxSubscriptions; index++) {
      socket.send({ id: `s${index}`, type: "subscribe", payload: { query: healthSubscription } });
      await socket.message((message) => message.type === "next" && message.id === `s${index}`);
    }
    socket.send({ id: "over", type: "subscribe", payload: { query: healthSubscription } });
    const refused = await socket.message((message) => message.id === "over");
    expect(refused.type).toBe("error");
    expect(JSON.stringify(refused.payload)).toContain("TOO_MANY_OPERATIONS");
    expect(socket.isOpen()).toBe(true);

    // Completing one frees a slot on the same socket.
    socket.send({ id: "s1", type: "complete" });
    socket.send({ id: "again", type: "subscribe", payload: { query: healthSubscription } });
    expect((await socket.message((message) => message.id === "again")).type).toBe("next");
    socket.close();
    await socket.closed;
  });

  it("answers a parse failure or an invalid operation on the operation, not by closing the socket", async () => {
    const socket = await initialised();
    socket.send({ id: "bad", type: "subscribe", payload: { query: "{ health { " } });
    const syntax = await socket.message((message) => message.id === "bad");
    expect(syntax.type).toBe("error");
    expect(JSON.stringify(syntax.payload)).toContain("Syntax Error");
    socket.send({ id: "good", type: "subscribe", payload: { query: "{ health { status } }" } });
    expect(await socket.message((message) => message.id === "good")).toMatchObject({ type: "next", payload: { data: { health: { status: "ok" } } } });
    socket.close();
    await socket.closed;
  });

  it("closes with 1009 when a message is larger than QUIRE_WS_MAX_MESSAGE_KB", async () => {
    // graphql-ws reports the socket error with console.error (no secrets in it): keep the run quiet.
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const socket = await initialised();
      socket.send({ id: "huge", type: "subscribe", payload: { query: `{ health { status } } # ${"x".repeat(1024 * 1024 + 10)}` } });
      expect((await socket.closed).code).toBe(1009);
    } finally {
      consoleError.mockRestore();
    }
  });
});

describe("graphql-ws quota", () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({ listen: true, env: { QUIRE_USER_RPM: "2" } });
  });
  afterAll(async () => {
    await testApp.close();
  });

  it("spends the user's quota per operation and refuses with RATE_LIMITED on the operation", async () => {
    const user = await createTestUserWithKey(testApp.app.services().db.prisma);
    const client = wsClient(testApp.app.address()!.port, user.connectionParams);
    try {
      expect(await wsFirstResult(client, "{ health { status } }")).toEqual({ data: { health: { status: "ok" } } });
      expect(await wsFirstResult(client, "{ health { status } }")).toEqual({ data: { health: { status: "ok" } } });
      const limited = await wsFirstResult(client, "{ health { status } }");
      expect(JSON.stringify(limited)).toContain("RATE_LIMITED");
      expect(JSON.stringify(limited)).toContain("retryAfterSeconds");
    } finally {
      await client.dispose();
    }
  });
});
