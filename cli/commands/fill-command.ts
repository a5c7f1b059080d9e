/** `quire fill <form.json> --profile <profile.json>`: fill form fields live with generateBatchLive. */
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { CliError, ExitCode } from "../cli-error.ts";
import { readJsonFile } from "../json-file.ts";
import { formatTable, note, outputMode, printJson } from "../terminal-output.ts";
import { withClient } from "../with-client.ts";
import { GENERATE_LIVE, type FieldResponse, type GenerateEvent, type GenerateSummary } from "../../client/generation-operations.ts";

export function registerFill(program: Command): void {
  program
    .command("fill")
    .description("fill a form's fields from a profile (and a model where the profile has no answer), live; exit 1 if any field failed")
    .argument("<form.json>", "the fields: a JSON array of {id, label, type, options?, hint?, maxLength?, required?}, or {fields, context}")
    .requiredOption("--profile <profile.json>", "the applicant, as a JSON object")
    .option("--context <context.json>", "what the form is for: {company, role, description}")
    .option("--max-parallel <n>", "model calls in flight at once (1..50)", "5")
    .action(async (formFile: string, options: { profile: string; context?: string; maxParallel: string }, command: Command) => {
      const { fields, context: formContext } = parseForm(await readJsonFile(formFile, "form"), formFile);
      const profile = await readJsonFile(options.profile, "profile");
      const context = options.context ? await readJsonFile(options.context, "context") : formContext;
      const maxParallel = Number(options.maxParallel);
      if (!Number.isInteger(maxParallel) || maxParallel < 1 || maxParallel > 50) throw new CliError(`--max-parallel must be a whole number from 1 to 50, not "${options.maxParallel}".`, ExitCode.usage);
      process.exitCode = await withClient(command, async (client, json) => {
        const mode = outputMode(json);
        const labels = fields.map((f) => (typeof f.label === "string" ? f.label : typeof f.id === "string" ? f.id : ""));
        const responses: (FieldResponse | undefined)[] = new Array<FieldResponse | undefined>(fields.length);
        let summary: GenerateSummary | undefined;
        // A MultiBar so finished fields can be logged above the bar as they arrive.
        const bars = mode.interactive ? new cliProgress.MultiBar({ format: "fields {bar} {value}/{total}", stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
        const bar = bars?.create(fields.length, 0);
        try {
          for await (const { generateBatchLive: event } of client.subscribe<{ generateBatchLive: GenerateEvent }>(GENERATE_LIVE, { fields, profile, context: context ?? null, maxParallel })) {
            if (event.kind === "SUMMARY") summary = event.summary ?? undefined;
            else if (event.response && event.index !== null) {
              responses[event.index] = event.response;
              bar?.increment();
              if (!mode.json) {
                const line = `${event.response.source.padEnd(9)} ${labels[event.index] ?? event.response.fieldId}: ${event.response.error ? `${event.response.error.code}: ${event.response.error.message}` : event.response.value}`;
                if (bars) bars.log(line + "\n");
                else note(line);
              }
            }
          }
        } finally {
          bars?.stop();
        }
        if (!summary) throw new CliError("The fill ended without its summary.", ExitCode.server);
        const failed = responses.filter((r) => !r || r.source === "FAILED").length;
        if (json) {
          printJson({ responses, summary });
        } else {
          const rows = responses.map((r, i) => [labels[i] ?? "", r?.source ?? "MISSING", r?.error ? `${r.error.code}: ${r.error.message}` : (r?.value ?? "")]);
          process.stdout.write(formatTable(["FIELD", "SOURCE", "VALUE"], rows) + "\n");
          process.stdout.write(
            `\n${summary.totalFields} fields: ${summary.extractedCount} extracted, ${summary.cachedCount} cached, ${summary.generatedCount} generated, ${summary.failedCount} failed; ` +
              `${summary.totalTokens} tokens, $${summary.totalCostUsd.toFixed(4)}, ${(summary.totalTimeMs / 1000).toFixed(2)} s\n`,
          );
        }
        return failed > 0 ? ExitCode.workFailed : ExitCode.ok;
      });
    });
}

function parseForm(value: unknown, file: string): { fields: Record<string, unknown>[]; context?: unknown } {
  const fields = Array.isArray(value) ? value : (value as { fields?: unknown } | null)?.fields;
  if (!Array.isArray(fields) || fields.some((f) => typeof f !== "object" || f === null)) {
    throw new CliError(`The form ${file} must be a JSON array of fields, or an object with a "fields" array.`, ExitCode.usage);
  }
  const context = Array.isArray(value) ? undefined : (value as { context?: unknown }).context;
  return { fields: fields as Record<string, unknown>[], context };
}
