/**
 * How the CLI writes: bars and colour only on an interactive terminal, plain lines otherwise,
 * and one JSON document on stdout with --json (everything else goes to stderr then).
 */
import { styleText } from "node:util";

export interface OutputMode {
  json: boolean;
  /** stderr is a terminal and --json is off: bars and colour are allowed. */
  interactive: boolean;
}

export function outputMode(json: boolean): OutputMode {
  return { json, interactive: !json && Boolean(process.stderr.isTTY) };
}

/** Colour for a status word on a terminal; the bare word elsewhere (styleText checks the stream and NO_COLOR). */
export function statusText(status: string, stream: NodeJS.WriteStream = process.stdout): string {
  const colour = status === "COMPLETED" ? "green" : status === "FAILED" ? "red" : status === "CANCELLED" || status === "PARTIAL" ? "yellow" : undefined;
  return colour ? styleText(colour, status, { stream }) : status;
}

/** Left-aligned columns separated by two spaces, widths from the longest visible cell. */
export function formatTable(header: string[], rows: string[][]): string {
  // eslint-disable-next-line no-control-regex
  const visible = (cell: string) => cell.replace(/\u001b\[[0-9;]*m/g, "").length;
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => visible(row[i] ?? ""))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + " ".repeat(Math.max(0, (widths[i] ?? 0) - visible(cell)))))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + "\n");
}

/** A progress or status line: stderr, so stdout stays clean for results and --json. */
export function note(message: string): void {
  process.stderr.write(message + "\n");
}
