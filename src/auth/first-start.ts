import type { PrismaClient } from "../generated/prisma/client.ts";
import { createApiKey, type CreatedApiKey } from "./api-key-service.ts";
import { anyUserExists } from "./api-key-store.ts";

/** Serialises first starts of several processes on one empty database (any fixed 64-bit id). */
const firstStartLockId = 0x5175_6972_656b_6579n; // "Quirekey"

export const ownerUserName = "owner";

/**
 * On an empty database (no user at all) creates the user "owner" with a key and returns it;
 * otherwise null. Runs under an advisory lock so two processes starting together create one.
 */
export async function createOwnerKeyIfNoUser(prisma: PrismaClient): Promise<CreatedApiKey | null> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${firstStartLockId})`;
    if (await anyUserExists(tx)) return null;
    return createApiKey(tx, { userName: ownerUserName, name: "first start" });
  });
}

/**
 * The box printed once to stderr (never through the JSON logger, so the key does not reach
 * log storage) after the owner's key was created.
 */
export function firstStartBanner(key: string, graphqlUrl: string | undefined): string {
  const lines = [
    `First start: created the user "${ownerUserName}" with this API key, shown only this once:`,
    "",
    `    ${key}`,
    "",
    "The dashboard and GraphiQL ask for it once; scripts send the header \"Authorization: Bearer <key>\".",
    ...(graphqlUrl ? [`Dashboard: ${new URL("/", graphqlUrl).href}   GraphQL and GraphiQL: ${graphqlUrl}`] : []),
    "More keys: npm run keys -- create <name>",
  ];
  const width = Math.max(...lines.map((line) => line.length));
  const border = "─".repeat(width + 2);
  return [`┌${border}┐`, ...lines.map((line) => `│ ${line.padEnd(width)} │`), `└${border}┘`, ""].join("\n");
}
