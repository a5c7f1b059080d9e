import { z } from "zod";
import { parseOrThrow } from "../generation/generation-input-error.ts";
import { USAGE_DIMENSIONS } from "./usage-store.ts";
import type { UsageDimension, UsageRow, UsageStore } from "./usage-store.ts";

/** What a set of calls consumed. `errors` counts failed calls per code. */
export interface UsageTotals {
  calls: number;
  cachedCalls: number;
  failedCalls: number;
  /** Calls of models missing from the price table (their cost counts as 0). */
  unpricedCalls: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number;
  errors: { code: string; count: number }[];
}

/** Totals of one combination of the grouped dimensions (the others are null). */
export interface UsageGroup extends UsageTotals {
  day: string | null;
  model: string | null;
  provider: string | null;
  purpose: string | null;
  batchId: string | null;
}

/** The answer of usage(from, to, groupBy). */
export interface UsageReport {
  from: Date;
  to: Date;
  groupBy: UsageDimension[];
  total: UsageTotals;
  groups: UsageGroup[];
}

const MAX_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;

const reportSchema = z
  .object({
    from: z.date("from must be a date"),
    to: z.date("to must be a date"),
    groupBy: z.array(z.enum(USAGE_DIMENSIONS)).refine((list) => new Set(list).size === list.length, "groupBy lists a dimension twice"),
  })
  .refine((input) => input.from < input.to, { path: ["to"], message: "to must be after from" })
  .refine((input) => input.to.getTime() - input.from.getTime() <= MAX_RANGE_DAYS * DAY_MS, {
    path: ["to"],
    message: `the range may span at most ${MAX_RANGE_DAYS} days`,
  });

/**
 * Usage and cost from the call ledger, always for one user's own calls. Every figure is a
 * sum of ledger rows, so a report's total equals what the ledger holds for the same range.
 */
export class UsageService {
  readonly #store: UsageStore;
  readonly #now: () => Date;

  constructor(store: UsageStore, now: () => Date = () => new Date()) {
    this.#store = store;
    this.#now = now;
  }

  /** The user's usage in [from, to) (default: the last 30 days), grouped. Throws GenerationInputError on bad input. */
  async report(userId: string, input: { from?: Date | null; to?: Date | null; groupBy?: readonly UsageDimension[] | null }): Promise<UsageReport> {
    const to = input.to ?? this.#now();
    const from = input.from ?? new Date(to.getTime() - 30 * DAY_MS);
    const parsed = parseOrThrow(reportSchema, { from, to, groupBy: [...(input.groupBy ?? [])] });
    const rows = await this.#store.aggregate({ kind: "range", userId, from: parsed.from, to: parsed.to }, parsed.groupBy);
    const byGroup = new Map<string, UsageRow[]>();
    for (const row of rows) {
      const key = JSON.stringify(parsed.groupBy.map((dimension) => row.keys[dimension] ?? null));
      byGroup.set(key, [...(byGroup.get(key) ?? []), row]);
    }
    const groups = [...byGroup.values()]
      .map((members) => ({
        day: members[0]!.keys.DAY ?? null,
        model: members[0]!.keys.MODEL ?? null,
        provider: members[0]!.keys.PROVIDER ?? null,
        purpose: members[0]!.keys.PURPOSE ?? null,
        batchId: members[0]!.keys.BATCH ?? null,
        ...totalsOf(members),
      }))
      .sort((a, b) => compareGroups(a, b));
    return { from: parsed.from, to: parsed.to, groupBy: parsed.groupBy, total: totalsOf(rows), groups };
  }

  /** What the calls serving one subject (an embedding job, a generation run, a prompt batch) consumed. */
  async ofSubject(userId: string, subjectId: string): Promise<UsageTotals> {
    return totalsOf(await this.#store.aggregate({ kind: "subject", userId, subjectId }, []));
  }

  /** What the calls serving a batch's documents consumed. */
  async ofBatch(userId: string, batchId: string): Promise<UsageTotals> {
    return totalsOf(await this.#store.aggregate({ kind: "batch", userId, batchId }, []));
  }
}

function totalsOf(rows: readonly UsageRow[]): UsageTotals {
  const sum = (pick: (row: UsageRow) => number) => rows.reduce((total, row) => total + pick(row), 0);
  const failed = rows.filter((row) => row.errorCode !== null);
  return {
    calls: sum((row) => row.calls),
    cachedCalls: sum((row) => row.cachedCalls),
    failedCalls: failed.reduce((total, row) => total + row.calls, 0),
    unpricedCalls: sum((row) => row.unpricedCalls),
    inputTokens: sum((row) => row.inputTokens),
    outputTokens: sum((row) => row.outputTokens),
    cachedInputTokens: sum((row) => row.cachedInputTokens),
    // Rounded to a millionth of a cent: sums of floats otherwise show noise digits.
    costUsd: Math.round(sum((row) => row.costUsd) * 1e8) / 1e8,
    errors: [...countByCode(failed)].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
  };
}

function countByCode(rows: readonly UsageRow[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.errorCode!, (counts.get(row.errorCode!) ?? 0) + row.calls);
  return counts;
}

function compareGroups(a: UsageGroup, b: UsageGroup): number {
  for (const key of ["day", "provider", "model", "purpose", "batchId"] as const) {
    const left = a[key] ?? "";
    const right = b[key] ?? "";
    if (left !== right) return left < right ? -1 : 1;
  }
  return 0;
}
