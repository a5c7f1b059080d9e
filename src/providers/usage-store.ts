import type { PrismaClient } from "../db/prisma-client.ts";

/** The dimensions usage can be grouped by. */
export const USAGE_DIMENSIONS = ["DAY", "MODEL", "PROVIDER", "PURPOSE", "BATCH"] as const;
export type UsageDimension = (typeof USAGE_DIMENSIONS)[number];

/**
 * SQL of each dimension over provider_calls `c` and the caller's document `d` (joined only for
 * BATCH). Fixed strings chosen from this map, never from input, so they can be spliced in.
 * BATCH is the batch a pipeline call's document belongs to, otherwise the call's own subject
 * (a generation run, an embedding job, a prompt batch).
 */
const DIMENSION_SQL: Record<UsageDimension, string> = {
  DAY: "to_char(date_trunc('day', c.started_at), 'YYYY-MM-DD')",
  MODEL: "c.model",
  PROVIDER: "c.provider",
  PURPOSE: "c.purpose",
  BATCH: "COALESCE(d.batch_id::text, c.subject_id)",
};

/** Sums over a set of ledger rows, split by error code (null for successful calls). */
export interface UsageRow {
  keys: Partial<Record<UsageDimension, string | null>>;
  errorCode: string | null;
  calls: number;
  cachedCalls: number;
  unpricedCalls: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number;
}

/** Which ledger rows to sum: always one user's. */
export type UsageScope =
  | { kind: "range"; userId: string; from: Date; to: Date }
  | { kind: "subject"; userId: string; subjectId: string }
  | { kind: "batch"; userId: string; batchId: string };

interface RawRow {
  error_code: string | null;
  calls: number;
  cached_calls: number;
  unpriced_calls: number;
  input_tokens: bigint | number;
  output_tokens: bigint | number;
  cached_input_tokens: bigint | number;
  cost_usd: number;
  [dimension: string]: unknown;
}

/** Aggregates of the call ledger (provider_calls), one query per report. */
export class UsageStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /** Sums of the scope's calls per combination of `groupBy` values and error code. */
  async aggregate(scope: UsageScope, groupBy: readonly UsageDimension[]): Promise<UsageRow[]> {
    const dims = groupBy.map((dimension, index) => `${DIMENSION_SQL[dimension]} AS dim_${index}`);
    const where =
      scope.kind === "range"
        ? "c.user_id = $1::uuid AND c.started_at >= $2 AND c.started_at < $3"
        : scope.kind === "subject"
          ? "c.user_id = $1::uuid AND c.subject_id = $2"
          : "c.user_id = $1::uuid AND c.subject_id IN (SELECT id::text FROM document_jobs WHERE batch_id = $2::uuid AND user_id = $1::uuid)";
    const params = scope.kind === "range" ? [scope.userId, scope.from, scope.to] : [scope.userId, scope.kind === "subject" ? scope.subjectId : scope.batchId];
    const join = groupBy.includes("BATCH") ? "LEFT JOIN document_jobs d ON d.user_id = c.user_id AND d.id::text = c.subject_id" : "";
    const rows = await this.#prisma.$queryRawUnsafe<RawRow[]>(
      `SELECT ${[...dims, "c.error_code"].join(", ")},
              count(*)::int AS calls,
              (count(*) FILTER (WHERE c.cache_hit))::int AS cached_calls,
              (count(*) FILTER (WHERE NOT c.priced))::int AS unpriced_calls,
              COALESCE(sum(c.input_tokens), 0)::bigint AS input_tokens,
              COALESCE(sum(c.output_tokens), 0)::bigint AS output_tokens,
              COALESCE(sum(c.cached_input_tokens), 0)::bigint AS cached_input_tokens,
              COALESCE(sum(c.cost_usd), 0)::float8 AS cost_usd
         FROM provider_calls c ${join}
        WHERE ${where}
        GROUP BY ${[...groupBy.map((_, index) => `dim_${index}`), "c.error_code"].join(", ")}`,
      ...params,
    );
    return rows.map((row) => ({
      keys: Object.fromEntries(groupBy.map((dimension, index) => [dimension, (row[`dim_${index}`] as string | null) ?? null])),
      errorCode: row.error_code,
      calls: row.calls,
      cachedCalls: row.cached_calls,
      unpricedCalls: row.unpriced_calls,
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      cachedInputTokens: Number(row.cached_input_tokens),
      costUsd: row.cost_usd,
    }));
  }
}
