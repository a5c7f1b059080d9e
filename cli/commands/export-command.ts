/** `quire export <batchId> --format graphml|json`: the batch's citation network for Gephi, networkx or Cytoscape. */
import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { Option, type Command } from "commander";
import { CliError, ExitCode } from "../cli-error.ts";
import { note } from "../terminal-output.ts";
import { withClient } from "../with-client.ts";

export function registerExport(program: Command): void {
  program
    .command("export")
    .description("download a batch's citation network with entity co-occurrence")
    .argument("<batchId>")
    .addOption(new Option("--format <format>", "file format").choices(["graphml", "json"]).default("graphml"))
    .option("--out <file>", "write to this file instead of stdout")
    .action(async (batchId: string, options: { format: string; out?: string }, command: Command) => {
      process.exitCode = await withClient(command, async (client) => {
        const response = await client.download(`/batches/${encodeURIComponent(batchId)}/graph.${options.format}`).catch((error: unknown) => {
          if (error instanceof CliError && / 404\b/.test(error.message)) throw new CliError(`No batch ${batchId} is visible with this key.`, ExitCode.usage);
          throw error;
        });
        if (!response.body) throw new CliError("The export had no body.", ExitCode.server);
        await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), options.out ? createWriteStream(options.out) : process.stdout, { end: Boolean(options.out) });
        if (options.out) note(`Wrote ${options.out}`);
        return ExitCode.ok;
      });
    });
}
