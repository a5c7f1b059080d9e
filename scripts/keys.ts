// API keys on DATABASE_URL, or on the embedded database under QUIRE_DATA_DIR when it is unset.
//   npm run keys -- create <name> [--user <userId>]   a key for a new user <name> (or for an existing user)
//   npm run keys -- list
//   npm run keys -- revoke <id>
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ApiKeyInputError, createApiKey, listApiKeys, revokeApiKey } from "../src/auth/api-key-service.ts";
import { loadConfig } from "../src/config.ts";
import { applyMigrations } from "../src/db/migrations.ts";
import { createPrismaClient, type PrismaClient } from "../src/db/prisma-client.ts";
import { withDatabaseUrl } from "./database-url.ts";

const migrationsDir = fileURLToPath(new URL("../prisma/migrations", import.meta.url));
const usage = `Usage:
  npm run keys -- create <name> [--user <userId>]   new user <name> with a key (or a key named <name> for an existing user)
  npm run keys -- list                              every key (never the secret)
  npm run keys -- revoke <id>                       stops a key from working at once`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { user: { type: "string" }, help: { type: "boolean", short: "h" } },
});
const [command, argument] = positionals;

function formatDate(date: Date | null): string {
  return date ? date.toISOString().replace(/\.\d+Z$/, "Z") : "-";
}

async function run(prisma: PrismaClient): Promise<number> {
  switch (command) {
    case "create": {
      if (!argument) break;
      const created = await createApiKey(prisma, values.user ? { userId: values.user, name: argument } : { userName: argument, name: argument });
      process.stderr.write(`Created key ${created.id} (${created.prefix}…) for user ${created.userId}. It is shown only this once:\n`);
      process.stdout.write(`${created.key}\n`);
      process.stderr.write("Send it as the header  Authorization: Bearer <key>\n");
      return 0;
    }
    case "list": {
      const rows = await listApiKeys(prisma);
      if (rows.length === 0) {
        process.stdout.write("No API keys.\n");
        return 0;
      }
      const table = [
        ["id", "prefix", "name", "user", "created", "last used", "revoked"],
        ...rows.map((row) => [row.id, row.prefix, row.name, `${row.userName} (${row.userId})`, formatDate(row.createdAt), formatDate(row.lastUsedAt), formatDate(row.revokedAt)]),
      ];
      const widths = table[0]!.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
      for (const line of table) process.stdout.write(`${line.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd()}\n`);
      return 0;
    }
    case "revoke": {
      if (!argument) break;
      const revoked = await revokeApiKey(prisma, argument);
      if (!revoked) {
        process.stderr.write(`No API key with id ${argument}.\n`);
        return 1;
      }
      process.stdout.write(`Revoked ${revoked.id} (${revoked.prefix}…, "${revoked.name}") at ${formatDate(revoked.revokedAt)}.\n`);
      return 0;
    }
  }
  process.stderr.write(`${usage}\n`);
  return 2;
}

/**
 * The pid of a Quire server running on the embedded database, if any. Opening the embedded
 * database stops any postgres still holding the data directory (meant for orphans of a killed
 * server), which would pull the database from under a live server. A live server's postgres
 * has a Node process as parent; an orphan's parent is init (or another reaper).
 */
async function liveEmbeddedServer(dataDir: string): Promise<number | undefined> {
  const pidFile = await readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").catch(() => "");
  const postmaster = Number(pidFile.split("\n")[0]);
  if (!Number.isInteger(postmaster) || postmaster <= 0) return undefined;
  const stat = await readFile(`/proc/${postmaster}/stat`, "utf8").catch(() => "");
  const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  if (!Number.isInteger(parent) || parent <= 0) return undefined;
  const parentCommand = await readFile(`/proc/${parent}/cmdline`, "utf8").catch(() => "");
  const executable = parentCommand.split("\0")[0] ?? "";
  return /(^|\/)node$/.test(executable) ? parent : undefined;
}

if (values.help || !command) {
  process.stderr.write(`${usage}\n`);
  process.exit(command ? 0 : 2);
}

const config = loadConfig();
const server = config.databaseUrl ? undefined : await liveEmbeddedServer(config.dataDir);
if (server) {
  process.stderr.write(
    `A Quire server (pid ${server}) is running on the embedded database in ${config.dataDir}; stop it first, ` +
      "or run this command with the server's DATABASE_URL.\n",
  );
  process.exit(1);
}

let exitCode: number;
try {
  exitCode = await withDatabaseUrl(async (url) => {
    await applyMigrations(url, migrationsDir);
    const prisma = createPrismaClient(url, { poolSize: 1 });
    try {
      return await run(prisma);
    } finally {
      await prisma.$disconnect();
    }
  });
} catch (error) {
  if (!(error instanceof ApiKeyInputError)) throw error;
  process.stderr.write(`${error.message}\n`);
  exitCode = 1;
}
process.exit(exitCode);
