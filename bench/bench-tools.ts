/**
 * What several benches share: the reference tools (MuPDF, poppler) installed from Debian's
 * packages when missing, the PDFs they run on, process-tree RSS and CPU readings, percentiles.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildTextPdf } from "../test/helpers/pdf-fixtures.ts";

/** Installs mupdf-tools and poppler-utils with apt when `mutool` or `pdfinfo` is missing. */
export function ensureReferenceTools(): void {
  const missing = ["mutool", "pdfinfo"].filter((tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0);
  if (missing.length === 0) return;
  console.error(`bench: installing mupdf-tools and poppler-utils (missing: ${missing.join(", ")})`);
  let install = spawnSync("apt-get", ["install", "-y", "-qq", "mupdf-tools", "poppler-utils"], { stdio: "inherit" });
  if (install.status !== 0) {
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    install = spawnSync("apt-get", ["install", "-y", "-qq", "mupdf-tools", "poppler-utils"], { stdio: "inherit" });
  }
  if (install.status !== 0) throw new Error("bench: could not install mupdf-tools and poppler-utils with apt-get");
}

/** Page count as poppler's pdfinfo reports it (undefined when poppler cannot open the file). */
export function popplerPageCount(file: string): number | undefined {
  try {
    const info = execFileSync("pdfinfo", [file], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const match = /^Pages:\s+(\d+)/m.exec(info);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export interface BenchPdf {
  name: string;
  path: string;
  bytes: Uint8Array;
  pages: number;
}

const papersDir = fileURLToPath(new URL("../../shared/corpus/papers/", import.meta.url));

/**
 * Real papers from ../shared/corpus/papers (in name order, until `minPages` pages are reached),
 * or, on a clone without the corpus, generated paper-like PDFs written to `scratchDir`.
 */
export async function benchPdfs(minPages: number, scratchDir: string): Promise<BenchPdf[]> {
  const chosen: BenchPdf[] = [];
  let total = 0;
  if (existsSync(papersDir)) {
    // Pages are counted with poppler's pdfinfo: without it every paper would be skipped.
    ensureReferenceTools();
    for (const name of (await readdir(papersDir)).filter((file) => file.endsWith(".pdf")).sort()) {
      const file = path.join(papersDir, name);
      const pages = popplerPageCount(file);
      if (!pages) continue;
      chosen.push({ name, path: file, bytes: new Uint8Array(await readFile(file)), pages });
      total += pages;
      if (total >= minPages) break;
    }
    return chosen;
  }
  const { writeFile } = await import("node:fs/promises");
  for (let i = 0; total < minPages; i++) {
    const pages = 12;
    const bytes = await buildTextPdf({ pages, references: 10 });
    const file = path.join(scratchDir, `generated-${i}.pdf`);
    await writeFile(file, bytes);
    chosen.push({ name: `generated-${i}.pdf`, path: file, bytes, pages });
    total += pages;
  }
  return chosen;
}

/** The `q` quantile (0-1) of `values`, nearest rank. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const CLOCK_TICKS = 100;
const PAGE_SIZE = 4096;

/** `pid` and all its descendants (threads are inside their process). */
export function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(parents.get(tree[i]!) ?? []));
  return tree;
}

/** Summed RSS (bytes) and CPU time (seconds, user + system) of a process tree right now. */
export function processTreeUsage(pid: number): { rssBytes: number; cpuSeconds: number } {
  let rssBytes = 0;
  let cpuSeconds = 0;
  for (const member of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${member}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // Fields after the command: state(0) ppid(1) … utime(11) stime(12) … rss(21), in pages.
      cpuSeconds += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
      rssBytes += Number(fields[21]) * PAGE_SIZE;
    } catch {
      // exited meanwhile
    }
  }
  return { rssBytes, cpuSeconds };
}

/** CPU time (seconds, user + system, all threads) of one process, its children not included. */
export function processCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Busy fraction of the whole machine's CPUs between two readings of /proc/stat. */
export function machineCpuReading(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (line[3] ?? 0) + (line[4] ?? 0);
  const total = line.reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

/** Sleeps without holding the process open forever. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A note every bench prints: figures come from a shared, noisy machine. */
export const SHARED_MACHINE_NOTE = "measured on a shared machine; compare ratios taken in one run";
