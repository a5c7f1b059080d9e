/**
 * `quire`: the command-line client of a Quire server. It uses only the public GraphQL API (and
 * the download routes that API links to), so everything it does a script can do too.
 */
import { Command, CommanderError } from "commander";
import { CliError, ExitCode } from "./cli-error.ts";
import { DEFAULT_URL } from "./cli-settings.ts";
import { registerBatchCommands } from "./commands/batch-commands.ts";
import { registerEmbed } from "./commands/embed-command.ts";
import { registerExport } from "./commands/export-command.ts";
import { registerFill } from "./commands/fill-command.ts";
import { registerReport } from "./commands/report-command.ts";
import { registerUpload } from "./commands/upload-command.ts";

const program = new Command("quire")
  .description("Command-line client for a Quire server: upload PDF batches, follow them, fill forms, embed files.")
  .option("--url <url>", `server address (env QUIRE_URL, default ${DEFAULT_URL})`)
  .option("--key <key>", "API key (env QUIRE_API_KEY)")
  .option("--json", "print one JSON document on stdout for scripts (no bars)")
  .showHelpAfterError()
  .exitOverride();

registerUpload(program);
registerBatchCommands(program);
registerFill(program);
registerEmbed(program);
registerReport(program);
registerExport(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version are not failures; every other parse error is a usage error.
    process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  } else if (error instanceof CliError) {
    process.stderr.write(`quire: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`quire: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = ExitCode.server;
  }
}
