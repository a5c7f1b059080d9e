import { buildApp } from "./app.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { StartupError } from "./lifecycle/startup-error.ts";

// The only place that listens for signals and exits the process.
let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

const app = buildApp(config);
let stopping = false;

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.logger.info({ signal }, "shutting down");
  try {
    await app.stop();
    process.exit(0);
  } catch (error) {
    // One line: stop() already released everything it could and names each failed step.
    app.logger.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}

process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

try {
  await app.start();
  const address = app.address();
  if (address) app.logger.info(`GraphQL and GraphiQL at http://${address.host}:${address.port}/graphql`);
} catch (error) {
  // A failure the user can fix is one line; anything else keeps its stack for diagnosis.
  if (error instanceof StartupError) app.logger.fatal(`startup failed: ${error.message}`);
  else app.logger.fatal({ err: error }, "startup failed");
  await app.stop().catch(() => undefined);
  process.exit(1);
}
