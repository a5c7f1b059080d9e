/** Reads a JSON input file, naming the file and the problem when it cannot. */
import { readFile } from "node:fs/promises";
import { CliError, ExitCode } from "./cli-error.ts";

export async function readJsonFile(file: string, what: string): Promise<unknown> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`Cannot read the ${what} ${file}: ${error.code === "ENOENT" ? "no such file" : error.message}`, ExitCode.usage);
  });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(`The ${what} ${file} is not valid JSON: ${(error as Error).message}`, ExitCode.usage);
  }
}
