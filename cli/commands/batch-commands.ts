/** `quire status|cancel|retry <batchId>` and `quire batches`. */
import type { Command } from "commander";
import { BATCH_QUERY, BATCHES_QUERY, CANCEL_BATCH, RETRY_BATCH, type Batch, type BatchesPage } from "../../client/batch-operations.ts";
import { CliError, ExitCode } from "../cli-error.ts";
import { formatTable, printJson, statusText } from "../terminal-output.ts";
import { withClient } from "../with-client.ts";
import { printBatchTable } from "./batch-table.ts";


export function registerBatchCommands(program: Command): void {
  program
    .command("status")
    .description("show a batch and its documents")
    .argument("<batchId>")
    .action(async (id: string, _options: unknown, command: Command) => {
      process.exitCode = await withClient(command, async (client, json) => {
        const { batch } = await client.request<{ batch: Batch | null }>(BATCH_QUERY, { id });
        if (!batch) throw new CliError(`No batch ${id} is visible with this key.`, ExitCode.usage);
        show(batch, json);
        return ExitCode.ok;
      });
    });

  for (const [name, mutation, field, description] of [
    ["cancel", CANCEL_BATCH, "cancelBatch", "cancel a batch (running work stops within about a second)"],
    ["retry", RETRY_BATCH, "retryBatch", "re-run a batch's failed and cancelled documents from their last completed stage"],
  ] as const) {
    program
      .command(name)
      .description(description)
      .argument("<batchId>")
      .action(async (id: string, _options: unknown, command: Command) => {
        process.exitCode = await withClient(command, async (client, json) => {
          const result = await client.request<Record<string, Batch>>(mutation, { id });
          show(result[field]!, json);
          return ExitCode.ok;
        });
      });
  }

  program
    .command("batches")
    .description("list your batches, newest first")
    .option("--first <n>", "how many", "20")
    .option("--after <cursor>", "continue after this cursor (printed at the end of a page)")
    .action(async (options: { first: string; after?: string }, command: Command) => {
      const first = Number(options.first);
      if (!Number.isInteger(first) || first < 1 || first > 100) throw new CliError(`--first must be a whole number from 1 to 100, not "${options.first}".`, ExitCode.usage);
      process.exitCode = await withClient(command, async (client, json) => {
        const { batches } = await client.request<BatchesPage>(BATCHES_QUERY, { first, after: options.after ?? null });
        if (json) {
          printJson(batches);
          return ExitCode.ok;
        }
        const rows = batches.edges.map(({ node }) => [
          node.id,
          node.label ?? "",
          statusText(node.status),
          `${node.completedCount}/${node.documentCount}`,
          String(node.failedCount),
          `${Math.round(node.progress * 100)}%`,
          node.createdAt,
        ]);
        process.stdout.write(formatTable(["BATCH", "LABEL", "STATUS", "DONE", "FAILED", "PROGRESS", "CREATED"], rows) + "\n");
        if (batches.pageInfo.hasNextPage) process.stdout.write(`\nMore: quire batches --after ${batches.pageInfo.endCursor}\n`);
        return ExitCode.ok;
      });
    });
}

function show(batch: Batch, json: boolean): void {
  if (json) printJson(batch);
  else printBatchTable(batch, batch.documents);
}
