import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { isAlive, waitFor } from "./pool-tracker.ts";

const script = fileURLToPath(new URL("./orphan-parent.ts", import.meta.url));

it("workers die with the pool's process even when it is SIGKILLed mid-page", async () => {
  const parent = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const pids = await new Promise<number[]>((resolve, reject) => {
      let out = "";
      parent.stdout.setEncoding("utf8");
      parent.stdout.on("data", (chunk: string) => {
        out += chunk;
        if (out.includes("\n")) resolve(JSON.parse(out.split("\n")[0] ?? "[]") as number[]);
      });
      parent.once("exit", (code) => reject(new Error(`orphan-parent exited early (${code})`)));
      setTimeout(() => reject(new Error("orphan-parent never reported busy workers")), 12_000).unref();
    });
    expect(pids).toHaveLength(2);
    expect(pids.every(isAlive)).toBe(true);
    parent.kill("SIGKILL");
    // One is stuck rasterising (only its watchdog thread can notice), the other is idle.
    await waitFor(() => !pids.some(isAliveAndNotZombie), 5_000);
  } finally {
    parent.kill("SIGKILL");
  }
});

/** A killed process re-parented to a non-reaping init lingers as a zombie; it is still dead. */
function isAliveAndNotZombie(pid: number): boolean {
  if (!isAlive(pid)) return false;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return true;
  }
  return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
}
