import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";
import { sseResults, wsClient, wsFirstResult } from "./security-support.ts";

/** Every `message` anywhere in a response, whatever the transport's envelope. */
function messagesOf(value: unknown): string[] {
  const messages: string[] = [];
  JSON.stringify(value, (key, inner: unknown) => {
    if (key === "message" && typeof inner === "string") messages.push(inner);
    return inner;
  });
  if (value && typeof value === "object" && "failure" in value && value.failure instanceof Error) messages.push(value.failure.message);
  return messages;
}

// Tight limits so the tiny schema of today can exceed each of them, one at a time (Armor
// stops validation at its first rejection). Depth needs a limit of 1, which every other case
// would hit, so it gets an app of its own.
const env = {
  QUIRE_GRAPHQL_MAX_DEPTH: "2",
  QUIRE_GRAPHQL_MAX_ALIASES: "2",
  QUIRE_GRAPHQL_MAX_DIRECTIVES: "2",
  QUIRE_GRAPHQL_MAX_TOKENS: "60",
  QUIRE_GRAPHQL_MAX_COST: "7",
  QUIRE_INTROSPECTION: "false",
};

const cases: [name: string, query: string, expected: RegExp][] = [
  ["aliases", "{ health { a: status b: status c: status } }", /aliases limit of 2 exceeded, found 3/i],
  ["directives", "{ health { status @skip(if: false) database @skip(if: false) role @skip(if: false) } }", /directives limit of 2 exceeded, found 3/i],
  ["tokens", `{ health { ${"status ".repeat(70)}} }`, /token limit of 60 exceeded/i],
  ["cost", "{ health { status database role uptimeSeconds } }", /cost limit of 7 exceeded, found 8/i],
  ["introspection (__schema)", "{ __schema { queryType { name } } }", /introspection has been disabled/i],
  ["introspection (__type)", '{ __type(name: "Health") { name } }', /introspection has been disabled/i],
  ["field suggestions", "{ healht { status } }", /^Cannot query field "healht" on type "Query"\.$/],
  ["argument suggestions", "subscription { health(intervalM: 100) { status } }", /^Unknown argument "intervalM" on field "Subscription\.health"\.$/],
];

/** The same operation over the three transports, with a valid key. */
function transportsOf(testApp: TestApp, user: TestUserWithKey, client: Client): Record<string, (query: string) => Promise<unknown>> {
  const port = testApp.app.address()!.port;
  return {
    http: (query) => testApp.graphql(query, undefined, user.headers),
    sse: async (query) => (await sseResults(port, query, { headers: user.headers })).results,
    "graphql-ws": (query) => wsFirstResult(client, query),
  };
}

async function expectRefusedEverywhere(transports: Record<string, (query: string) => Promise<unknown>>, query: string, expected: RegExp) {
  for (const [transport, run] of Object.entries(transports)) {
    const messages = messagesOf(await run(query));
    expect(messages, `${transport}: ${JSON.stringify(messages)}`).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
    expect(messages.join("\n"), transport).not.toMatch(/Did you mean/);
  }
}

describe("GraphQL hardening, identical on HTTP, SSE and graphql-ws", () => {
  let testApp: TestApp;
  let client: Client;
  let transports: Record<string, (query: string) => Promise<unknown>>;
  beforeAll(async () => {
    testApp = await startTestApp({ listen: true, env });
    const user = await createTestUserWithKey(testApp.app.services().db.prisma);
    client = wsClient(testApp.app.address()!.port, user.connectionParams);
    transports = transportsOf(testApp, user, client);
  });
  afterAll(async () => {
    await client.dispose();
    await testApp.close();
  });

  for (const [name, query, expected] of cases) {
    it(name, async () => {
      await expectRefusedEverywhere(transports, query, expected);
    });
  }

  it("still answers operations within the limits", async () => {
    for (const [transport, run] of Object.entries(transports)) {
      expect(messagesOf(await run("{ health { a: status b: status } }")), transport).toEqual([]);
    }
  });
});

describe("GraphQL depth limit on every transport", () => {
  let testApp: TestApp;
  let client: Client;
  let transports: Record<string, (query: string) => Promise<unknown>>;
  beforeAll(async () => {
    testApp = await startTestApp({ listen: true, env: { QUIRE_GRAPHQL_MAX_DEPTH: "1" } });
    const user = await createTestUserWithKey(testApp.app.services().db.prisma);
    client = wsClient(testApp.app.address()!.port, user.connectionParams);
    transports = transportsOf(testApp, user, client);
  });
  afterAll(async () => {
    await client.dispose();
    await testApp.close();
  });

  it("refuses operations deeper than QUIRE_GRAPHQL_MAX_DEPTH", async () => {
    await expectRefusedEverywhere(transports, "{ health { status } }", /depth limit of 1 exceeded, found 2/i);
  });
});

describe("introspection with the default configuration (not production)", () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(async () => {
    await testApp.close();
  });

  it("is allowed, GraphiQL's full introspection query included, and suggestions stay hidden", async () => {
    const { getIntrospectionQuery } = await import("graphql");
    const introspection = await testApp.graphql(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }));
    expect(introspection.errors).toBeUndefined();
    const typo = await testApp.graphql("{ healht { status } }");
    expect(typo.errors?.[0]?.message).toBe('Cannot query field "healht" on type "Query".');
  });
});
