import type { PrismaClient } from "../db/prisma-client.ts";
import type { CachedModelResponse, ResponseCacheStore } from "./response-cache.ts";

/** The response cache in PostgreSQL (table response_cache); expired rows read as misses. */
export class PrismaResponseCache implements ResponseCacheStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async get(key: string, now: Date): Promise<CachedModelResponse | null> {
    const row = await this.#prisma.responseCacheEntry.findUnique({ where: { key } });
    if (!row || row.expiresAt <= now) return null;
    return row.value as unknown as CachedModelResponse;
  }

  async put(key: string, value: CachedModelResponse, ttlMs: number): Promise<void> {
    const expiresAt = new Date(Date.now() + ttlMs);
    const json = value as unknown as object;
    await this.#prisma.responseCacheEntry.upsert({
      where: { key },
      create: { key, value: json, expiresAt },
      update: { value: json, expiresAt },
    });
  }

  async recordHit(key: string): Promise<void> {
    await this.#prisma.responseCacheEntry.updateMany({ where: { key }, data: { hits: { increment: 1 } } });
  }
}
