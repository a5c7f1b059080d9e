import { spawn, type ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { findFreePort } from "../../src/db/embedded-postgres.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  output(): string;
  /** /health statuses seen while waiting for readiness. */
  statuses: number[];
  /** Sends `signal` (to the whole process group when started `detached`) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface ServerProcessOptions {
  timeoutMs?: number;
  /** `npm start` (what a user or a supervisor runs) instead of `node src/main.ts`. */
  viaNpm?: boolean;
  /** A process group of its own, signalled as a whole, as a terminal's Ctrl-C does. */
  detached?: boolean;
}

// Children started by this test process; killed at exit so an interrupted test leaves no server.
const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});

/** Starts `node src/main.ts` (what `npm start` runs) and waits for /health to answer 200. */
export async function startServerProcess(
  env: Record<string, string | undefined>,
  options: ServerProcessOptions | number = {},
): Promise<ServerProcess> {
  const { timeoutMs = 30_000, viaNpm = false, detached = false } = typeof options === "number" ? { timeoutMs: options } : options;
  const port = await findFreePort();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), LOG_LEVEL: "info", ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
  const [command, args] = viaNpm ? ["npm", ["start", "--silent"]] : [process.execPath, ["src/main.ts"]];
  const child = spawn(command, args, { cwd: root, env: childEnv, stdio: ["ignore", "pipe", "pipe"], detached });
  children.add(child);
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const statuses: number[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    const status = await fetch(`http://127.0.0.1:${port}/health`).then(
      (response) => response.status,
      () => 0,
    );
    if (status) statuses.push(status);
    if (status === 200) {
      return {
        child,
        port,
        url: `http://127.0.0.1:${port}`,
        output: () => output,
        statuses,
        stop: async (signal = "SIGTERM") => {
          if (child.exitCode === null && child.signalCode === null) {
            if (detached) process.kill(-child.pid!, signal);
            else child.kill(signal);
          }
          return exited;
        },
      };
    }
    await sleep(100);
  }
  child.kill("SIGKILL");
  throw new Error(`/health was not 200 within ${timeoutMs} ms:\n${output}`);
}

/** uploadBatch over real HTTP (GraphQL multipart request). */
export async function uploadOverHttp(
  url: string,
  authorization: string,
  files: { name: string; bytes: Uint8Array }[],
  options: Record<string, unknown> = {},
): Promise<string> {
  const form = new FormData();
  form.append(
    "operations",
    JSON.stringify({
      query: "mutation ($files: [File!]!, $options: BatchOptionsInput) { uploadBatch(files: $files, options: $options) { id } }",
      variables: { files: files.map(() => null), options },
    }),
  );
  form.append("map", JSON.stringify(Object.fromEntries(files.map((_, i) => [String(i), [`variables.files.${i}`]]))));
  files.forEach((file, i) => form.append(String(i), new File([Buffer.from(file.bytes)], file.name, { type: "application/pdf" })));
  const response = await fetch(`${url}/graphql`, { method: "POST", headers: { authorization, "x-graphql-csrf": "1" }, body: form });
  const body = (await response.json()) as { data?: { uploadBatch: { id: string } }; errors?: unknown };
  if (!body.data) throw new Error(`upload failed: ${JSON.stringify(body.errors)}`);
  return body.data.uploadBatch.id;
}
