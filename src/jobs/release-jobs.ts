/** Runs one parameterised statement and returns its rows (a pg client or Prisma's raw query). */
export type RunQuery = (sql: string, values: unknown[]) => Promise<unknown[]>;

/**
 * Unlocks the jobs still locked by workers that stopped without finishing them (a process that
 * died, a pool that stopped) and gives back the attempt graphile-worker counted when it picked
 * each one: the run was cut short, it did not fail, so it must not bring the job closer to its
 * max_attempts (as graphile-worker itself does when it returns jobs it fetched but never ran).
 * Only the public interface is used: the `jobs` view, `force_unlock_workers` and
 * `reschedule_jobs` (which leaves a job alone once another worker has locked it again).
 * Returns how many jobs were released.
 */
export async function releaseJobsOf(query: RunQuery, workerIds: string[]): Promise<number> {
  if (workerIds.length === 0) return 0;
  const held = (await query("SELECT id::text AS id, attempts FROM graphile_worker.jobs WHERE locked_by = ANY ($1::text[])", [
    workerIds,
  ])) as { id: string; attempts: number }[];
  // (Counted, not selected: a void column is not something every client can read.)
  await query("SELECT count(*)::int AS done FROM graphile_worker.force_unlock_workers($1::text[])", [workerIds]);
  if (held.length === 0) return 0;
  await query(
    `SELECT count(r.id)::int AS rescheduled
       FROM unnest($1::bigint[], $2::int[]) AS h(id, attempts),
            LATERAL graphile_worker.reschedule_jobs(ARRAY[h.id], attempts => GREATEST(0, h.attempts - 1)) AS r`,
    [held.map((job) => job.id), held.map((job) => job.attempts)],
  );
  return held.length;
}
