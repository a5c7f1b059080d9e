import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const quireBin = fileURLToPath(new URL("../../../cli/quire.js", import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `quire` binary (the package.json bin) as a child process with pipes, as a
 * script would. `tty: true` runs it under `script(1)` so it sees a terminal (bars on).
 */
export function runCli(args: string[], env: Record<string, string>, options: { tty?: boolean; cwd?: string } = {}): Promise<CliRun> {
  const command = options.tty ? "script" : quireBin;
  const argv = options.tty ? ["-qec", [quireBin, ...args].map(shellQuote).join(" "), "/dev/null"] : args;
  const child = spawn(command, argv, {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
