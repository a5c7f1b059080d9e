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
import { EMBED_FILE, EMBEDDING_PROGRESS, type EmbeddingEvent, type EmbeddingJob } from "../../client/embedding-operations.ts";

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
          for await (const { embeddingProgress: event } of client.subscribe<{ embeddingProgress: EmbeddingEvent }>(EMBEDDING_PROGRESS, { id: job.id })) {
            last = event.job;
            if (bar) {
              if (event.job.total !== null) bar.setTotal(event.job.total);
              bar.update(event.job.processed, { failedText: event.job.failed ? `${event.job.failed} failed` : "" });
            } else if (!mode.json && (event.kind === "FINISHED" || event.job.processed !== lastPrinted)) {
              note(`${event.job.processed}/${event.job.total ?? "?"} lines${event.job.failed ? `, ${event.job.failed} failed` : ""}`);
              lastPrinted = event.job.processed;
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

