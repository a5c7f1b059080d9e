import pino, { type Logger } from "pino";

export type { Logger } from "pino";

/**
 * Paths pino blanks out wherever they appear in a log object. Keys, tokens and credentials
 * must never reach logs, including through request headers and graphql-ws connectionParams.
 */
export const redactedPaths = [
  "authorization",
  "*.authorization",
  "*.*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "req.headers.authorization",
  "request.headers.authorization",
  "req.headers.cookie",
  "connectionParams",
  "*.connectionParams",
  "apiKey",
  "*.apiKey",
  "token",
  "*.token",
  "password",
  "*.password",
  "databaseUrl",
  "*.databaseUrl",
  "url",
  "*.url",
];

/** Structured JSON logs on stdout (or `destination`, for tests that read them back). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "quire" },
      redact: { paths: redactedPaths, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
