/** `quire embed <file.txt>`: embed a text file line by line with embedFile and download the vectors. */
import { createWriteStream, openAsBlob } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { CliError, ExitCode } from "../cli-error.ts";
import { note, outputMode, printJson } from "../terminal-output.ts";
import { withClient } from "../with-client.ts";

const JOB_FIELDS = "id filename status processed failed total batchSize downloadUrl error { code message }";
const EMBED_FILE = `mutation Embed($file: File!, $batchSize: Int) { embedFile(file: $file, batchSize: $batchSize) { ${JOB_FIELDS} } }`;
const PROGRESS = `subscription EmbedProgress($jobId: ID!) { embeddingProgress(jobId: $jobId) { kind processed failed total job { ${JOB_FIELDS} } } }`;

interface EmbeddingJob {
  id: string;
  filename: string;
  status: string;
  processed: number;
  failed: number;
  total: number | null;
  batchSize: number;
  downloadUrl: string;
  error: { code: string; message: string } | null;
}

export function registerEmbed(program: Command): void {
  program
    .command("embed")
    .description("embed a UTF-8 text file line by line (empty lines skipped); exit 1 if the job or any line failed")
    .argument("<file>", "the text file")
    .option("--batch-size <n>", "lines per provider request (1..2048)", "32")
    .option("--out <file>", "write the results as NDJSON ({line, text, vector, error} per line) to this file")
    .action(async (file: string, options: { batchSize: string; out?: string }, command: Command) => {
      const batchSize = Number(options.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 2048) throw new CliError(`--batch-size must be a whole number from 1 to 2048, not "${options.batchSize}".`, ExitCode.usage);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) throw new CliError(`${file}: no such file`, ExitCode.usage);
      process.exitCode = await withClient(command, async (client, json) => {
        const mode = outputMode(json);
        const blob = await openAsBlob(file, { type: "text/plain" });
        const { embedFile: job } = await client.upload<{ embedFile: EmbeddingJob }>(EMBED_FILE, { file: null, batchSize }, [{ name: path.basename(file), blob }], "file");
        if (!mode.json) note(`Embedding job ${job.id} started.`);
        const bar = mode.interactive ? new cliProgress.SingleBar({ format: "lines {bar} {value}/{total} {failedText}", stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
        bar?.start(job.total ?? 0, 0, { failedText: "" });
        let last = job;
        let lastPrinted = -1;
        try {
          for await (const { embeddingProgress: event } of client.subscribe<{ embeddingProgress: { kind: string; processed: number; failed: number; total: number | null; job: EmbeddingJob } }>(PROGRESS, { jobId: job.id })) {
            last = event.job;
            if (bar) {
              if (event.total !== null) bar.setTotal(event.total);
              bar.update(event.processed, { failedText: event.failed ? `${event.failed} failed` : "" });
            } else if (!mode.json && (event.kind === "FINISHED" || event.processed !== lastPrinted)) {
              note(`${event.processed}/${event.total ?? "?"} lines${event.failed ? `, ${event.failed} failed` : ""}`);
              lastPrinted = event.processed;
            }
          }
        } finally {
          bar?.stop();
        }
        if (last.status === "FAILED") throw new CliError(`Embedding job ${last.id} failed${last.error ? `: ${last.error.code}: ${last.error.message}` : ""}`, ExitCode.workFailed);
        if (options.out) {
          const response = await client.download(last.downloadUrl);
          if (!response.body) throw new CliError("The download had no body.", ExitCode.server);
          await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(options.out));
        }
        if (mode.json) printJson(last);
        else process.stdout.write(`Embedded ${last.processed - last.failed} of ${last.processed} lines (${last.failed} failed)${options.out ? `; results in ${options.out}` : ""}.\n`);
        return last.failed > 0 ? ExitCode.workFailed : ExitCode.ok;
      });
    });
}

