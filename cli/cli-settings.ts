/** Where the CLI reads its server and key: flags first, then QUIRE_URL / QUIRE_API_KEY. */
import { CliError, ExitCode } from "./cli-error.ts";
import type { ServerTarget } from "./quire-client.ts";

export const DEFAULT_URL = "http://127.0.0.1:4000";

export interface GlobalOptions {
  url?: string;
  key?: string;
  json?: boolean;
}

export function serverTarget(options: GlobalOptions): ServerTarget {
  const url = options.url ?? process.env.QUIRE_URL ?? DEFAULT_URL;
  const key = options.key ?? process.env.QUIRE_API_KEY;
  if (!key) {
    throw new CliError("No API key: pass --key <key> or set QUIRE_API_KEY (the server prints the owner's key at its first start; `npm run keys -- create <name>` makes another).", ExitCode.usage);
  }
  if (!/^https?:\/\/[^/]+/.test(url)) throw new CliError(`--url must be an http:// or https:// address, not "${url}".`, ExitCode.usage);
  return { url, key };
}
