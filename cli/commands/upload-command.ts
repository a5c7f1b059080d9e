/** `quire upload <files or folders…>`: upload PDFs as one batch and follow it to the end. */
import type { Command } from "commander";
import { Option } from "commander";
import {
  BATCH_PROGRESS,
  BATCH_QUERY,
  STAGES,
  TERMINAL_BATCH,
  UPLOAD_BATCH,
  type Batch,
  type BatchHead,
  type BatchProgressEvent,
} from "../../client/batch-operations.ts";
import { BatchProgressView } from "../batch-progress-view.ts";
import { CliError, ExitCode } from "../cli-error.ts";
import { serverTarget, type GlobalOptions } from "../cli-settings.ts";
import { writeDocumentOutputs } from "../document-outputs.ts";
import { collectPdfs, toUploadFiles } from "../pdf-files.ts";
import { QuireClient } from "../quire-client.ts";
import { note, outputMode, printJson } from "../terminal-output.ts";
import { printBatchTable } from "./batch-table.ts";

interface UploadOptions {
  strategy: string;
  priority: string;
  stages?: string;
  dpi?: string;
  label?: string;
  out?: string;
  wait: boolean;
}

export function registerUpload(program: Command): void {
  program
    .command("upload")
    .description("upload PDFs (files or folders) as one batch, show its progress, write results, exit 1 if any document failed")
    .argument("<paths...>", "PDF files, or folders searched for *.pdf")
    .addOption(new Option("--strategy <strategy>", "when a document fails").choices(["CONTINUE", "FAIL_ALL"]).default("CONTINUE"))
    .addOption(new Option("--priority <priority>", "scheduling priority").choices(["LOW", "NORMAL", "HIGH", "CRITICAL"]).default("NORMAL"))
    .option("--stages <list>", `comma-separated stages to run (plus what they need): ${STAGES.join(",")}`)
    .option("--dpi <dpi>", "render resolution (default 150)")
    .option("--label <label>", "a name for the batch")
    .option("--out <dir>", "write each document's markdown, summary and references under this folder")
    .option("--no-wait", "print the batch id and return without following it")
    .action(async (paths: string[], options: UploadOptions, command: Command) => {
      process.exitCode = await upload(paths, options, command.optsWithGlobals<GlobalOptions>());
    });
}

async function upload(paths: string[], options: UploadOptions, globals: GlobalOptions): Promise<number> {
  const mode = outputMode(Boolean(globals.json));
  const batchOptions = parseBatchOptions(options);
  const target = serverTarget(globals);
  const pdfs = await collectPdfs(paths);
  const client = new QuireClient(target);
  try {
    if (!mode.json) note(`Uploading ${pdfs.length} PDF${pdfs.length === 1 ? "" : "s"} (${megabytes(pdfs.reduce((sum, f) => sum + f.size, 0))} MB) to ${target.url}…`);
    const { uploadBatch } = await client.upload<{ uploadBatch: Batch }>(
      UPLOAD_BATCH,
      { files: pdfs.map(() => null), options: batchOptions },
      await toUploadFiles(pdfs),
    );
    if (!mode.json) note(`Batch ${uploadBatch.id} queued.`);
    if (!options.wait) {
      if (mode.json) printJson(uploadBatch);
      else process.stdout.write(uploadBatch.id + "\n");
      return ExitCode.ok;
    }
    const finished = await follow(client, uploadBatch, mode);
    const folders = options.out ? await writeDocumentOutputs(client, options.out, finished.documents) : new Map<string, string>();
    if (mode.json) printJson({ ...finished, outputs: Object.fromEntries(folders) });
    else {
      printBatchTable(finished, finished.documents);
      if (options.out) note(`Wrote ${folders.size} document folder${folders.size === 1 ? "" : "s"} under ${options.out}`);
    }
    return outcome(finished, mode.json);
  } finally {
    await client.close();
  }
}

/** Follows batchProgress until the batch ends; re-reads every row after each (re)connection. */
async function follow(client: QuireClient, initial: Batch, mode: ReturnType<typeof outputMode>): Promise<Batch> {
  const view = new BatchProgressView(mode, { batch: initial, documents: initial.documents });
  let last: BatchHead = initial;
  try {
    for await (const { batchProgress: event } of client.subscribe<{ batchProgress: BatchProgressEvent }>(BATCH_PROGRESS, { id: initial.id })) {
      if (event.kind === "SNAPSHOT") {
        const fresh = await readBatch(client, initial.id);
        view.refresh(fresh, fresh.documents);
      } else {
        view.apply(event);
      }
      last = event.batch;
    }
  } finally {
    view.stop();
  }
  if (!TERMINAL_BATCH.includes(last.status)) throw new CliError(`The progress stream ended while batch ${initial.id} was ${last.status}; see \`quire status ${initial.id}\`.`, ExitCode.server);
  return readBatch(client, initial.id);
}

async function readBatch(client: QuireClient, id: string): Promise<Batch> {
  const { batch } = await client.request<{ batch: Batch | null }>(BATCH_QUERY, { id });
  if (!batch) throw new CliError(`Batch ${id} is not visible with this key.`, ExitCode.server);
  return batch;
}

function outcome(batch: Batch, json: boolean): number {
  const failed = batch.documents.filter((d) => d.status !== "COMPLETED");
  if (failed.length === 0) return ExitCode.ok;
  if (!json) {
    note(`${failed.length} of ${batch.documents.length} document${batch.documents.length === 1 ? "" : "s"} did not complete:`);
    for (const d of failed) note(`  - ${d.filename}: ${d.status}${d.error ? ` - ${d.error.code}: ${d.error.message}` : ""}`);
  }
  return ExitCode.workFailed;
}

function parseBatchOptions(options: UploadOptions): Record<string, unknown> {
  const result: Record<string, unknown> = { errorStrategy: options.strategy, priority: options.priority };
  if (options.label) result.label = options.label;
  if (options.dpi !== undefined) {
    const dpi = Number(options.dpi);
    if (!Number.isInteger(dpi) || dpi <= 0) throw new CliError(`--dpi must be a whole number of dots per inch, not "${options.dpi}".`, ExitCode.usage);
    result.renderDpi = dpi;
  }
  if (options.stages) {
    const stages = options.stages.split(",").map((s) => s.trim().toUpperCase()).filter(Boolean);
    const unknown = stages.filter((s) => !(STAGES as string[]).includes(s));
    if (unknown.length) throw new CliError(`Unknown stage${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; choose from ${STAGES.join(", ")}.`, ExitCode.usage);
    result.stages = stages;
  }
  return result;
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
