/**
 * A real Quire server for benches: `node src/main.ts` in its own process (as `npm start` runs
 * it), on a fresh database of DATABASE_URL's server (dropped afterwards) or, without one, on an
 * embedded PostgreSQL in a temporary folder. The owner key printed at first start is the bench's.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { withDatabaseName } from "../test/helpers/database-urls.ts";
import { startServerProcess, type ServerProcess } from "../test/helpers/server-process.ts";
import { pause } from "./bench-tools.ts";

export interface BenchServer {
  url: string;
  pid: number;
  /** `Bearer <key>` of the owner. */
  authorization: string;
  /** POSTs one GraphQL operation; throws on errors. */
  graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Polls `batch(id)` until it is terminal; returns its status. */
  waitForBatch(batchId: string, pollMs?: number): Promise<string>;
  /** Everything the server printed so far (pino JSON lines). */
  output(): string;
  stop(): Promise<void>;
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A database of the bench's own, never DATABASE_URL's database itself: a fresh one on that
 * server, or an embedded PostgreSQL in a temporary folder. `env` points Quire at it.
 */
export async function createBenchDatabase(): Promise<{ env: Record<string, string | undefined>; drop(): Promise<void> }> {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const databaseName = `quire_bench_${randomBytes(4).toString("hex")}`;
    await adminQuery(adminUrl, `CREATE DATABASE "${databaseName}"`);
    return {
      env: { DATABASE_URL: withDatabaseName(adminUrl, databaseName) },
      drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`),
    };
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), "quire-bench-"));
  return { env: { DATABASE_URL: undefined, QUIRE_DATA_DIR: dataDir }, drop: () => rm(dataDir, { recursive: true, force: true }) };
}

/** Starts a server with `env` on top of the bench defaults (production mode, warnings only). */
export async function startBenchServer(env: Record<string, string> = {}): Promise<BenchServer> {
  const database = await createBenchDatabase();
  let server: ServerProcess | undefined;
  const cleanup = async () => {
    await server?.stop("SIGTERM");
    await database.drop();
  };
  try {
    server = await startServerProcess(
      {
        ...database.env,
        NODE_ENV: "production",
        LOG_LEVEL: "warn",
        QUIRE_BOOTSTRAP_KEY: "true",
        QUIRE_USER_RPM: "1000000",
        ...env,
      },
      120_000,
    );
    let key: string | undefined;
    for (let i = 0; i < 50 && !key; i++) {
      key = /qk_[A-Za-z0-9_-]{43}/.exec(server.output())?.[0];
      if (!key) await pause(100);
    }
    if (!key) throw new Error(`bench: no bootstrap key in the server's output:\n${server.output()}`);
    const authorization = `Bearer ${key}`;
    const { url } = server;
    const graphql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
      const response = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { authorization, "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: T; errors?: unknown };
      if (!body.data || body.errors) throw new Error(`bench: GraphQL failed: ${JSON.stringify(body.errors)}`);
      return body.data;
    };
    return {
      url,
      pid: server.child.pid!,
      authorization,
      graphql,
      waitForBatch: async (batchId, pollMs = 100) => {
        for (;;) {
          const { batch } = await graphql<{ batch: { status: string } }>("query ($id: ID!) { batch(id: $id) { status } }", { id: batchId });
          if (["COMPLETED", "PARTIAL", "FAILED", "CANCELLED"].includes(batch.status)) return batch.status;
          await pause(pollMs);
        }
      },
      output: () => server!.output(),
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
