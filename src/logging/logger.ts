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

/**
 * pino's error serializer, minus the live objects pg hangs on its errors (`client`, with its
 * cancel secretKey and parsed statements, and `connection`): a pool error stays one short line.
 */
function serializeError(error: Error): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  delete serialized.client;
  delete serialized.connection;
  return serialized;
}

/** Structured JSON logs on stdout (or `destination`, for tests that read them back). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "quire" },
      redact: { paths: redactedPaths, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: serializeError },
    },
    destination,
  );
}
