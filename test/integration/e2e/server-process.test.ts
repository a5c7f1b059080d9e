import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { isProcessAlive } from "../../../src/db/embedded-postgres.ts";
import { startServerProcess, type ServerProcess } from "../../helpers/server-process.ts";

async function postmasterPid(dataDir: string): Promise<number | undefined> {
  const content = await readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").catch(() => undefined);
  return content ? Number(content.split("\n")[0]) : undefined;
}

describe("the server as a child process on the embedded database", () => {
  let dataDir: string;
  const started: ServerProcess[] = [];
  /** `npm start`'s command with no DATABASE_URL, as a newcomer runs it (first-start key on). */
  const start = async () => {
    const server = await startServerProcess({ DATABASE_URL: undefined, QUIRE_DATA_DIR: dataDir, QUIRE_BOOTSTRAP_KEY: "true" });
    started.push(server);
    return server;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "quire-e2e-"));
  });
  afterAll(async () => {
    for (const server of started) await server.stop("SIGKILL");
    const pid = await postmasterPid(dataDir);
    if (pid && isProcessAlive(pid)) process.kill(pid, "SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  });

  it("becomes healthy, answers HTTP and graphql-ws, and stops cleanly on SIGTERM", async () => {
    const server = await start();
    expect(server.output()).toContain("initialising embedded postgres");
    expect(server.statuses).toContain(503); // listening before the database is ready

    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ health { status database } }" }),
    });
    expect(await response.json()).toEqual({ data: { health: { status: "ok", database: true } } });

    const key = /qk_[A-Za-z0-9_-]{43}/.exec(server.output())?.[0];
    expect(key).toBeDefined();
    const client = createClient({
      url: `ws://127.0.0.1:${server.port}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${key}` },
    });
    const received: unknown[] = [];
    for await (const event of client.iterate({ query: "subscription { health(intervalMs: 100) { status database } }" })) {
      received.push(event);
      if (received.length === 2) break;
    }
    await client.dispose();
    expect(received).toEqual([
      { data: { health: { status: "ok", database: true } } },
      { data: { health: { status: "ok", database: true } } },
    ]);

    const pid = await postmasterPid(dataDir);
    expect(pid).toBeDefined();
    expect(await server.stop("SIGTERM"), server.output()).toBe(0);
    expect(isProcessAlive(pid!)).toBe(false);
  });

  it("keeps its data across a restart and clears the postgres orphaned by a SIGKILL", async () => {
    let server = await start();
    expect(server.output()).not.toContain("initialising embedded postgres");
    expect(server.output()).not.toContain("applied database migrations");
    expect(server.output()).not.toMatch(/qk_[A-Za-z0-9_-]{43}/); // the key is printed on the first start only
    const orphan = await postmasterPid(dataDir);
    await server.stop("SIGKILL");
    expect(isProcessAlive(orphan!)).toBe(true);

    server = await start();
    expect(server.output()).toContain("orphaned embedded postgres");
    expect(isProcessAlive(orphan!)).toBe(false);
    const current = await postmasterPid(dataDir);
    expect(await server.stop("SIGTERM"), server.output()).toBe(0);
    expect(isProcessAlive(current!)).toBe(false);
  });
});
