import type { Database } from "../db/database.ts";

export interface HealthReport {
  status: "ok" | "starting" | "unavailable";
  database: boolean;
  role: string;
  uptimeSeconds: number;
}

/**
 * Readiness as `GET /health` and the `health` field report it: "starting" until the
 * database is reachable and migrated, then "ok" while a trivial query succeeds.
 */
export class HealthService {
  #database: Database | undefined;
  #startedAt = Date.now();
  #role: string;

  constructor(role: string) {
    this.#role = role;
  }

  markReady(database: Database): void {
    this.#database = database;
  }

  markStopping(): void {
    this.#database = undefined;
  }

  async check(): Promise<HealthReport> {
    const base = { role: this.#role, uptimeSeconds: Math.round((Date.now() - this.#startedAt) / 1000) };
    if (!this.#database) return { ...base, status: "starting", database: false };
    try {
      await this.#database.prisma.$queryRaw`SELECT 1`;
      return { ...base, status: "ok", database: true };
    } catch {
      return { ...base, status: "unavailable", database: false };
    }
  }
}
