import type { PrismaClient } from "../db/prisma-client.ts";
import type { CallLedgerEntry, CallLedgerStore } from "./call-ledger.ts";

/** The call ledger in PostgreSQL (table provider_calls). */
export class PrismaCallLedger implements CallLedgerStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async record(entry: CallLedgerEntry): Promise<string> {
    const row = await this.#prisma.providerCall.create({
      data: { ...entry, latencyMs: Math.round(entry.latencyMs) },
      select: { id: true },
    });
    return row.id;
  }
}
