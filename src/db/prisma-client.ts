import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.ts";

export type { PrismaClient } from "../generated/prisma/client.ts";

/** A Prisma client on the pg driver adapter (no Rust query engine). */
export function createPrismaClient(databaseUrl: string, options: { poolSize?: number; onQuery?: () => void } = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
  if (!options.onQuery) return new PrismaClient({ adapter });
  // Query events only when asked (tests and benches count queries): they cost a little per query.
  const client = new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
  client.$on("query", options.onQuery);
  return client;
}
