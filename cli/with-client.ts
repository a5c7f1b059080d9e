/** What every command that talks to the server shares: the client from the global options, always closed. */
import type { Command } from "commander";
import { serverTarget, type GlobalOptions } from "./cli-settings.ts";
import { QuireClient } from "./quire-client.ts";

/** Builds the client from the global options, runs `task`, and always closes the client. */
export async function withClient(command: Command, task: (client: QuireClient, json: boolean) => Promise<number>): Promise<number> {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const client = new QuireClient(serverTarget(globals));
  try {
    return await task(client, Boolean(globals.json));
  } finally {
    await client.close();
  }
}
