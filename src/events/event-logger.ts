/**
 * The slice of a pino logger the event bus needs; the app passes its own pino instance so
 * transport trouble (listener reconnects, dropped publishes) shows up in the service log.
 */
export interface EventBusLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** A logger that discards everything, for tests and scripts that do not care. */
export const silentEventLogger: EventBusLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
