/**
 * A job whose worker died did not fail: the reaper unlocks it and gives back the attempt
 * graphile-worker counted when the dead worker picked it, so repeated crashes of other
 * processes never use up a stage job's max_attempts.
 */
import { Logger as GraphileLogger, runMigrations } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WorkerReaper } from "../../../src/jobs/worker-reaper.ts";
import { createLogger } from "../../../src/logging/logger.ts";
import { createTestPrisma } from "../../helpers/test-database.ts";

describe("jobs of a dead worker", () => {
  let db: Awaited<ReturnType<typeof createTestPrisma>>;
  beforeAll(async () => {
    db = await createTestPrisma();
    await runMigrations({ connectionString: db.url, logger: new GraphileLogger(() => () => {}) });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("are unlocked with the dead run's attempt given back", async () => {
    const [job] = await db.prisma.$queryRaw<{ id: bigint }[]>`
      SELECT id FROM graphile_worker.add_job('pipeline.stage', '{}'::json, max_attempts => 5)`;
    // What a worker's pick leaves behind when its process dies: the job locked, attempts + 1.
    // (Picking it with a real runner would need a process to kill; the row is what matters.)
    await db.prisma.$executeRaw`
      UPDATE graphile_worker._private_jobs SET locked_by = 'pool-dead', locked_at = now() - interval '1 minute', attempts = attempts + 1
       WHERE id = ${job!.id}`;

    const reaper = new WorkerReaper({ prisma: db.prisma, logger: createLogger("silent"), role: "worker", workerIds: () => [], deadAfterMs: 1_000 });
    expect(await reaper.sweep()).toEqual(["pool-dead"]);

    const [after] = await db.prisma.$queryRaw<{ locked_by: string | null; attempts: number }[]>`
      SELECT locked_by, attempts FROM graphile_worker.jobs WHERE id = ${job!.id}`;
    expect(after).toEqual({ locked_by: null, attempts: 0 });
  });
});
