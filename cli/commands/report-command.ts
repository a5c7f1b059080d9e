/** `quire report <batchId>`: a batch's aggregate: counts, pages, tokens and cost, entities, citations, topics, failures. */
import type { Command } from "commander";
import { CliError, ExitCode } from "../cli-error.ts";
import { formatTable, printJson } from "../terminal-output.ts";
import { withClient } from "../with-client.ts";

const REPORT = `query Report($batchId: ID!) {
  batchReport(batchId: $batchId) {
    documentCount completedCount failedCount pageCount referenceCount citationLinkCount
    modelCalls inputTokens outputTokens costUsd
    failures { code count }
    mostCited { inDegree pageRank document { filename metadata { title } } }
    topEntities { name kind aliases mentionCount documents { id } }
    topics { label keywords documents { filename } }
  }
}`;

interface Report {
  documentCount: number;
  completedCount: number;
  failedCount: number;
  pageCount: number;
  referenceCount: number;
  citationLinkCount: number;
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  failures: { code: string; count: number }[];
  mostCited: { inDegree: number; pageRank: number; document: { filename: string; metadata: { title: string | null } | null } }[];
  topEntities: { name: string; kind: string; aliases: string[]; mentionCount: number; documents: { id: string }[] }[];
  topics: { label: string; keywords: string[]; documents: { filename: string }[] }[];
}

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("print a batch's report: documents, pages, tokens and cost, most cited, top entities, topics, failures")
    .argument("<batchId>")
    .action(async (batchId: string, _options: unknown, command: Command) => {
      process.exitCode = await withClient(command, async (client, json) => {
        const { batchReport: report } = await client.request<{ batchReport: Report }>(REPORT, { batchId }).catch((error: unknown) => {
          if (error instanceof CliError && error.message.startsWith("NOT_FOUND")) throw new CliError(`No batch ${batchId} is visible with this key.`, ExitCode.usage);
          throw error;
        });
        if (json) printJson(report);
        else process.stdout.write(renderReport(report));
        return ExitCode.ok;
      });
    });
}

function renderReport(report: Report): string {
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
