import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { findFreePort } from "../../../src/db/embedded-postgres.ts";

const root = fileURLToPath(new URL("../../..", import.meta.url));

interface ServerProcess {
  child: ChildProcess;
  port: number;
  output: () => string;
  statuses: number[];
}

/** Starts `npm start`'s command with no DATABASE_URL, so the embedded default is used. */
async function startServer(dataDir: string, onSpawn: (child: ChildProcess) => void): Promise<ServerProcess> {
  const port = await findFreePort();
  // As a newcomer gets it: the first start creates the owner's key and prints it once.
  const env: NodeJS.ProcessEnv = { ...process.env, QUIRE_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: "info", QUIRE_BOOTSTRAP_KEY: "true" };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ["src/main.ts"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  onSpawn(child);
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const statuses: number[] = [];
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    const status = await fetch(`http://127.0.0.1:${port}/health`).then(
      (response) => response.status,
      () => 0,
    );
    if (status) statuses.push(status);
    if (status === 200) return { child, port, output: () => output, statuses };
    await sleep(100);
  }
  child.kill("SIGKILL");
  throw new Error(`/health was not 200 within 30 s:\n${output}`);
}

async function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

async function postmasterPid(dataDir: string): Promise<number | undefined> {
  const content = await readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").catch(() => undefined);
  return content ? Number(content.split("\n")[0]) : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("the server as a child process on the embedded database", () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  // Every child ever started, so an interrupted test leaves no server behind.
  const started: ChildProcess[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "quire-e2e-"));
  });
  afterAll(async () => {
    for (const child of started) if (child.exitCode === null) child.kill("SIGKILL");
    const pid = await postmasterPid(dataDir);
    if (pid && isAlive(pid)) process.kill(pid, "SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  });

  it("becomes healthy, answers HTTP and graphql-ws, and stops cleanly on SIGTERM", async () => {
    server = await startServer(dataDir, (child) => started.push(child));
    expect(server.output()).toContain("initialising embedded postgres");
    expect(server.statuses).toContain(503); // listening before the database is ready

    const response = await fetch(`http://127.0.0.1:${server.port}/graphql`, {
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
    server.child.kill("SIGTERM");
    expect(await waitForExit(server.child)).toBe(0);
    expect(isAlive(pid!)).toBe(false);
  });

  it("keeps its data across a restart and clears the postgres orphaned by a SIGKILL", async () => {
    server = await startServer(dataDir, (child) => started.push(child));
    expect(server.output()).not.toContain("initialising embedded postgres");
    expect(server.output()).not.toContain("applied database migrations");
    const orphan = await postmasterPid(dataDir);
    server.child.kill("SIGKILL");
    await waitForExit(server.child);
    expect(isAlive(orphan!)).toBe(true);

    server = await startServer(dataDir, (child) => started.push(child));
    expect(server.output()).toContain("orphaned embedded postgres");
    expect(isAlive(orphan!)).toBe(false);
    const current = await postmasterPid(dataDir);
    server.child.kill("SIGTERM");
    expect(await waitForExit(server.child)).toBe(0);
    expect(isAlive(current!)).toBe(false);
  });
});
