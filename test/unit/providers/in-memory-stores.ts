import type { CallLedgerEntry, CallLedgerStore } from "../../../src/providers/call-ledger.ts";
import type { CachedModelResponse, ResponseCacheStore } from "../../../src/providers/response-cache.ts";
import type { GatewayLogger } from "../../../src/providers/attempt-runner.ts";

/** The ledger the tests read back: entries in record order, ids "call-1", "call-2", ... */
export class InMemoryLedger implements CallLedgerStore {
  readonly entries: (CallLedgerEntry & { id: string })[] = [];

  record(entry: CallLedgerEntry): Promise<string> {
    const id = `call-${this.entries.length + 1}`;
    this.entries.push({ ...entry, id });
    return Promise.resolve(id);
  }
}

/** A response cache with real expiry and hit counting. */
export class InMemoryCache implements ResponseCacheStore {
  readonly entries = new Map<string, { value: CachedModelResponse; expiresAt: number; hits: number }>();

  get(key: string, now: Date): Promise<CachedModelResponse | null> {
    const entry = this.entries.get(key);
    return Promise.resolve(entry && entry.expiresAt > now.getTime() ? entry.value : null);
  }

  put(key: string, value: CachedModelResponse, ttlMs: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: Date.now() + ttlMs, hits: 0 });
    return Promise.resolve();
  }

  recordHit(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry) entry.hits++;
    return Promise.resolve();
  }
}

/** A logger that keeps every line, so tests can assert what was (not) logged. */
export class MemoryLogger implements GatewayLogger {
  readonly lines: { level: string; fields: object; message?: string }[] = [];
  debug(fields: object, message?: string) {
    this.lines.push({ level: "debug", fields, message });
  }
  info(fields: object, message?: string) {
    this.lines.push({ level: "info", fields, message });
  }
  warn(fields: object, message?: string) {
    this.lines.push({ level: "warn", fields, message });
  }
  error(fields: object, message?: string) {
    this.lines.push({ level: "error", fields, message });
  }
}
