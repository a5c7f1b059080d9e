/** What each exit code of `quire` means; scripts may rely on these. */
export const ExitCode = {
  ok: 0,
  /** The work ran but some of it failed: a document, a field, an embedding job. */
  workFailed: 1,
  /** The command line or an input file was wrong (nothing was sent). */
  usage: 2,
  /** The server could not be reached, refused the key, or rejected the request. */
  server: 3,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An expected failure: printed as one line (no stack) and mapped to its exit code. */
export class CliError extends Error {
  readonly exitCode: ExitCodeValue;
  constructor(message: string, exitCode: ExitCodeValue) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}
