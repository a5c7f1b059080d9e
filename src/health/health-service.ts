import { monitorEventLoopDelay, type ELDHistogram } from "node:perf_hooks";
import type { Database } from "../db/database.ts";

export interface HealthReport {
  status: "ok" | "starting" | "unavailable";
  database: boolean;
  role: string;
  uptimeSeconds: number;
  /**
   * How late this process's event loop ran timers over the last 10-20 s (p99 and worst), in
   * ms; 0 until the process is ready. Lag here means every request and job of the process waits.
   */
  eventLoopLagP99Ms: number;
  eventLoopLagMaxMs: number;
}

// The sampling timer's own period: the histogram records it plus the lag.
const LAG_RESOLUTION_MS = 10;
const LAG_WINDOW_MS = 10_000;

/**
 * Readiness as `GET /health` and the `health` field report it: "starting" until the
 * database is reachable and migrated, then "ok" while a trivial query succeeds. Also reports
 * event-loop lag, measured while ready.
 */
export class HealthService {
  #database: Database | undefined;
  #startedAt = Date.now();
  #role: string;
  #lag: ELDHistogram | undefined;
  #lagRotation: NodeJS.Timeout | undefined;
  #previousWindow = { p99Ms: 0, maxMs: 0 };

  constructor(role: string) {
    this.#role = role;
  }

  markReady(database: Database): void {
    this.#database = database;
    if (this.#lag) return;
    const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
    lag.enable();
    this.#lag = lag;
    // Windows, so a stall shows for a while and then ages out instead of haunting the p99 forever.
    this.#lagRotation = setInterval(() => {
      this.#previousWindow = this.#currentWindow();
      lag.reset();
    }, LAG_WINDOW_MS);
    this.#lagRotation.unref();
  }

  markStopping(): void {
    this.#database = undefined;
    clearInterval(this.#lagRotation);
    this.#lag?.disable();
    this.#lag = undefined;
    this.#previousWindow = { p99Ms: 0, maxMs: 0 };
  }

  async check(): Promise<HealthReport> {
    const current = this.#currentWindow();
    const base = {
      role: this.#role,
      uptimeSeconds: Math.round((Date.now() - this.#startedAt) / 1000),
      eventLoopLagP99Ms: Math.max(current.p99Ms, this.#previousWindow.p99Ms),
      eventLoopLagMaxMs: Math.max(current.maxMs, this.#previousWindow.maxMs),
    };
    if (!this.#database) return { ...base, status: "starting", database: false };
    try {
      await this.#database.prisma.$queryRaw`SELECT 1`;
      return { ...base, status: "ok", database: true };
    } catch {
      return { ...base, status: "unavailable", database: false };
    }
  }

  #currentWindow(): { p99Ms: number; maxMs: number } {
    const lag = this.#lag;
    if (!lag || lag.count === 0) return { p99Ms: 0, maxMs: 0 };
    const ms = (nanoseconds: number) => Math.max(0, Math.round((nanoseconds / 1e6 - LAG_RESOLUTION_MS) * 10) / 10);
    return { p99Ms: ms(lag.percentile(99)), maxMs: ms(lag.max) };
  }
}
