/** `quire report <batchId>`: a batch's aggregate: counts, pages, tokens and cost, entities, citations, topics, failures. */
import type { Command } from "commander";
import { CliError, ExitCode } from "../cli-error.ts";
import { formatTable, printJson } from "../terminal-output.ts";
import { withClient } from "../with-client.ts";
import { BATCH_REPORT, type BatchReport } from "../../client/research-operations.ts";

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("print a batch's report: documents, pages, tokens and cost, most cited, top entities, topics, failures")
    .argument("<batchId>")
    .action(async (batchId: string, _options: unknown, command: Command) => {
      process.exitCode = await withClient(command, async (client, json) => {
        const { batchReport: report } = await client.request<{ batchReport: BatchReport }>(BATCH_REPORT, { id: batchId }).catch((error: unknown) => {
          if (error instanceof CliError && error.message.startsWith("NOT_FOUND")) throw new CliError(`No batch ${batchId} is visible with this key.`, ExitCode.usage);
          throw error;
        });
        if (json) printJson(report);
        else process.stdout.write(renderReport(report));
        return ExitCode.ok;
      });
    });
}

function renderReport(report: BatchReport): string {
  const sections = [
    `Documents: ${report.documentCount} (${report.completedCount} completed, ${report.failedCount} failed), ${report.pageCount} pages\n` +
      `References: ${report.referenceCount}, citation links within the batch: ${report.citationLinkCount}\n` +
      `Model calls: ${report.modelCalls}, tokens ${report.inputTokens} in / ${report.outputTokens} out, cost $${report.costUsd.toFixed(4)}`,
  ];
  if (report.failures.length) sections.push("Failures\n" + formatTable(["CODE", "COUNT"], report.failures.map((f) => [f.code, String(f.count)])));
  if (report.mostCited.length) {
    sections.push(
      "Most cited\n" +
        formatTable(
          ["DOCUMENT", "CITED BY", "PAGERANK"],
          report.mostCited.map((n) => [n.document.metadata?.title ?? n.document.filename, String(n.inDegree), n.pageRank.toFixed(3)]),
        ),
    );
  }
  if (report.topEntities.length) {
    sections.push(
      "Top entities\n" +
        formatTable(
          ["ENTITY", "KIND", "DOCUMENTS", "MENTIONS", "ALIASES"],
          report.topEntities.map((e) => [e.name, e.kind, String(e.documents.length), String(e.mentionCount), e.aliases.filter((a) => a !== e.name).join(", ")]),
        ),
    );
  }
  if (report.topics.length) {
    sections.push("Topics\n" + formatTable(["TOPIC", "KEYWORDS", "DOCUMENTS"], report.topics.map((t) => [t.label, t.keywords.slice(0, 5).join(", "), t.documents.map((d) => d.filename).join(", ")])));
  }
  return sections.join("\n\n") + "\n";
}
