/**
 * A large upload over real HTTP into a separate API process (`node src/main.ts`, QUIRE_ROLE=api so
 * no worker touches the files): FILES PDFs of TOTAL_MB / FILES MiB each in one multipart request,
 * generated on the fly by the client. Prints the server's RSS growth (peak VmHWM during the upload
 * minus its RSS before) beside the 64 MB target, and the receive rate.
 *
 *   npm run bench -- upload [totalMB=500] [files=10]                        # embedded PostgreSQL
 *   DATABASE_URL=postgresql://.../own_db npm run bench -- upload [totalMB] [files]
 */
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createApiKey } from "../src/auth/api-key-service.ts";
import { applyMigrations } from "../src/db/migrations.ts";
import { createPrismaClient } from "../src/db/prisma-client.ts";
import { startServerProcess } from "../test/helpers/server-process.ts";
import { emitBenchResult } from "./bench-output.ts";

const totalMb = Number(process.argv[2] ?? 500);
const files = Number(process.argv[3] ?? 10);
const fileBytes = Math.floor((totalMb * 1024 * 1024) / files);
/** Before streaming (issue 11): +102 MB of RSS for a 19.4 MB request, i.e. ~5× the upload. */
const TARGET_GROWTH_MB = 64;
const SLICE = 256 * 1024;

const dataDir = await mkdtemp(path.join(os.tmpdir(), "quire-bench-upload-"));
const databaseUrl = process.env.DATABASE_URL;
let key: string | undefined;
if (databaseUrl) {
  await applyMigrations(databaseUrl, fileURLToPath(new URL("../prisma/migrations", import.meta.url)));
  const prisma = createPrismaClient(databaseUrl, { poolSize: 1 });
  key = (await createApiKey(prisma, { userName: `bench-upload-${Date.now()}`, name: "bench" })).key;
  await prisma.$disconnect();
}
const server = await startServerProcess(
  {
    QUIRE_ROLE: "api",
    QUIRE_DATA_DIR: dataDir,
    LOG_LEVEL: "warn",
    QUIRE_MAX_FILES: String(files),
    QUIRE_MAX_FILE_MB: String(Math.ceil(fileBytes / 1024 / 1024)),
    QUIRE_BOOTSTRAP_KEY: databaseUrl ? "false" : "true",
  },
  120_000,
);
try {
  key ??= /qk_[A-Za-z0-9_-]+/.exec(server.output())?.[0];
  if (!key) throw new Error(`no API key in the server's output:\n${server.output()}`);
  const pid = server.child.pid!;
  const status = (field: "VmRSS" | "VmHWM") => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
  // Warm the server (schema, pool, first multipart parse) with a small upload first.
  await upload(server.port, key, 1, 64 * 1024);
  // VmHWM is the peak since start: writing 5 to clear_refs resets it (Linux ≥ 4.0), so it
  // measures this upload only.
  writeFileSync(`/proc/${pid}/clear_refs`, "5");
  const before = status("VmRSS");
  const started = performance.now();
  const answer = await upload(server.port, key, files, fileBytes);
  const seconds = (performance.now() - started) / 1000;
  const peak = status("VmHWM");
  const batch = (JSON.parse(answer) as { data?: { uploadBatch: { id: string; documents: unknown[] } } }).data?.uploadBatch;
  if (batch?.documents.length !== files) throw new Error(`upload refused: ${answer.slice(0, 500)}`);
  if (databaseUrl) {
    // Leave the bench's database as it was: the batch and its large objects go.
    const prisma = createPrismaClient(databaseUrl, { poolSize: 1 });
    await prisma.$executeRaw`SELECT lo_unlink(c.large_object) FROM document_contents c JOIN document_jobs d ON d.id = c.document_id WHERE d.batch_id = ${batch.id}::uuid`;
    await prisma.batchJob.delete({ where: { id: batch.id } });
    await prisma.$disconnect();
  }
  await emitBenchResult(
    "upload",
    [
      { name: "apiRssGrowthMb", value: peak - before, unit: "MB", reference: TARGET_GROWTH_MB, referenceLabel: "target <", higherIsBetter: false },
      { name: "receiveMbPerSecond", value: (files * fileBytes) / 1024 / 1024 / seconds, unit: "MB/s", higherIsBetter: true },
    ],
    { totalMb: Math.round((files * fileBytes) / 1024 / 1024), files, seconds: Math.round(seconds * 10) / 10, rssBeforeMb: Math.round(before), rssPeakMb: Math.round(peak) },
  );
} finally {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}

/** One uploadBatch of `count` PDFs of `size` bytes, the body written slice by slice (never whole). */
function upload(port: number, apiKey: string, count: number, size: number): Promise<string> {
  const boundary = `----quire-bench-${randomUUID()}`;
  const operations = JSON.stringify({
    query: "mutation ($files: [File!]!) { uploadBatch(files: $files, options: { stages: [VALIDATE] }) { id documents { id } } }",
    variables: { files: Array.from({ length: count }, () => null) },
  });
  const map = JSON.stringify(Object.fromEntries(Array.from({ length: count }, (_, i) => [String(i), [`variables.files.${i}`]])));
  const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const fileHeader = (i: number) => `--${boundary}\r\nContent-Disposition: form-data; name="${i}"; filename="bench-${i}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`;
  const pdfHead = Buffer.from("%PDF-1.7\n%bench padding\n");
  const slice = Buffer.alloc(SLICE, 0x20);
  const length =
    Buffer.byteLength(field("operations", operations)) +
    Buffer.byteLength(field("map", map)) +
    Array.from({ length: count }, (_, i) => Buffer.byteLength(fileHeader(i)) + size + 2).reduce((a, b) => a + b, 0) +
    Buffer.byteLength(`--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        port,
        host: "127.0.0.1",
        method: "POST",
        path: "/graphql",
        headers: { "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": length, authorization: `Bearer ${apiKey}`, "x-graphql-csrf": "1" },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve(body));
      },
    );
    req.on("error", reject);
    const write = (chunk: string | Buffer) => (req.write(chunk) ? Promise.resolve() : new Promise<void>((done) => req.once("drain", () => done())));
    void (async () => {
      await write(field("operations", operations));
      await write(field("map", map));
      for (let i = 0; i < count; i++) {
        await write(fileHeader(i));
        await write(pdfHead);
        for (let sent = pdfHead.byteLength; sent < size; sent += SLICE) await write(slice.subarray(0, Math.min(SLICE, size - sent)));
        await write("\r\n");
      }
      req.end(`--${boundary}--\r\n`);
    })().catch(reject);
  });
}
