/** Turns the paths given to `quire upload` into the PDFs to send, refusing what is not one. */
import { openAsBlob } from "node:fs";
import { open, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { CliError, ExitCode } from "./cli-error.ts";
import type { UploadFile } from "./quire-client.ts";

const PDF_MAGIC = "%PDF-";

/** Files as given, and every *.pdf below each folder (sorted, so batches are reproducible). */
export async function collectPdfs(paths: string[]): Promise<{ path: string; name: string; size: number }[]> {
  const found: { path: string; name: string; size: number }[] = [];
  const problems: string[] = [];
  for (const given of paths) {
    const info = await stat(given).catch(() => undefined);
    if (!info) {
      problems.push(`${given}: no such file or folder`);
    } else if (info.isDirectory()) {
      const entries = (await readdir(given, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith(".pdf"))
        .map((entry) => path.join(entry.parentPath, entry.name))
        .sort();
      if (entries.length === 0) problems.push(`${given}: no .pdf files in this folder`);
      for (const file of entries) found.push({ path: file, name: path.basename(file), size: (await stat(file)).size });
    } else {
      found.push({ path: given, name: path.basename(given), size: info.size });
    }
  }
  for (const file of found) {
    if (file.size === 0) problems.push(`${file.path}: empty file`);
    else if ((await readHead(file.path)) !== PDF_MAGIC) problems.push(`${file.path}: not a PDF (does not start with ${PDF_MAGIC})`);
  }
  if (problems.length > 0) throw new CliError(`Nothing was uploaded:\n${problems.map((p) => `  - ${p}`).join("\n")}`, ExitCode.usage);
  if (found.length === 0) throw new CliError("Name at least one PDF or folder.", ExitCode.usage);
  return found;
}

/** Blobs backed by the files on disk: fetch streams them instead of reading them into memory. */
export async function toUploadFiles(files: { path: string; name: string }[]): Promise<UploadFile[]> {
  return Promise.all(files.map(async (file) => ({ name: file.name, blob: await openAsBlob(file.path, { type: "application/pdf" }) })));
}

async function readHead(file: string): Promise<string> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(PDF_MAGIC.length);
    await handle.read(buffer, 0, buffer.length, 0);
    return buffer.toString("latin1");
  } finally {
    await handle.close();
  }
}
