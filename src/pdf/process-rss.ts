import { readFile } from "node:fs/promises";

/**
 * Resident set size of another process in bytes, read from /proc (Linux), or undefined when it
 * cannot be read (process gone, no /proc). RSS, unlike the V8 heap, counts the native memory
 * that canvases and decoded images take.
 */
export async function readProcessRss(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
