import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { isProcessAlive } from "../../../src/db/embedded-postgres.ts";
import { startServerProcess, type ServerProcess, type ServerProcessOptions } from "../../helpers/server-process.ts";

async function postmasterPid(dataDir: string): Promise<number | undefined> {
  const content = await readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").catch(() => undefined);
  return content ? Number(content.split("\n")[0]) : undefined;
}

describe("the server as a child process on the embedded database", () => {
  let dataDir: string;
  const started: ServerProcess[] = [];
  /** `npm start` with no DATABASE_URL, as a newcomer runs it (first-start key on). */
  const start = async (options: ServerProcessOptions = {}) => {
    const server = await startServerProcess({ DATABASE_URL: undefined, QUIRE_DATA_DIR: dataDir, QUIRE_BOOTSTRAP_KEY: "true" }, options);
    started.push(server);
    return server;
  };
  /** Log lines at error level or above, and raw stack frames. */
  const errorLines = (output: string) => output.split("\n").filter((line) => /"level":(50|60)|^\s+at /.test(line));

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "quire-e2e-"));
  });
  afterAll(async () => {
    for (const server of started) await server.stop("SIGKILL");
    const pid = await postmasterPid(dataDir);
    if (pid && isProcessAlive(pid)) process.kill(pid, "SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  });

  it("becomes healthy, answers HTTP and graphql-ws, and SIGTERM to `npm start` stops the server", async () => {
    const server = await start({ viaNpm: true, timeoutMs: 60_000 });
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
    // What a supervisor does: SIGTERM to npm. The server must not live on re-parented to PID 1.
    await server.stop("SIGTERM");
    await vi.waitUntil(() => !isProcessAlive(pid!), { timeout: 30_000, interval: 50 });
    await vi.waitUntil(() => server.output().includes("quire stopped"), { timeout: 5_000, interval: 50 });
    expect(errorLines(server.output())).toEqual([]);
  });

  it("keeps its data across a restart and clears the postgres orphaned by a SIGKILL", async () => {
    let server = await start();
    expect(server.output()).not.toContain("initialising embedded postgres");
    expect(server.output()).not.toContain("applied database migrations");
    expect(server.output()).not.toMatch(/qk_[A-Za-z0-9_-]{43}/); // the key is printed on the first start only
    const orphan = await postmasterPid(dataDir);
    await server.stop("SIGKILL");
    expect(isProcessAlive(orphan!)).toBe(true);

    server = await start({ detached: true });
    expect(server.output()).toContain("orphaned embedded postgres");
    expect(isProcessAlive(orphan!)).toBe(false);
    const current = await postmasterPid(dataDir);
    // Ctrl-C in a terminal: SIGINT to the whole foreground process group. Only Quire may get
    // it (postgres runs in a group of its own); Quire drains, then stops postgres itself.
    expect(await server.stop("SIGINT"), server.output()).toBe(0);
    expect(isProcessAlive(current!)).toBe(false);
    expect(errorLines(server.output())).toEqual([]);
  });
});
