import type { Stage } from "../generated/prisma/enums.ts";
import { expandStages, PAGE_STAGES } from "../pipeline/stage-order.ts";

interface CheckpointLike {
  stage: Stage;
  status: string;
  pagesDone: number;
  pagesTotal: number | null;
}

/**
 * How far a document is, 0..1: each planned stage counts equally, page-level stages count
 * their finished pages. A document that ended (completed, failed, cancelled) is 1.
 */
export function documentProgress(status: string, batchStages: Stage[], checkpoints: CheckpointLike[]): number {
  if (["COMPLETED", "FAILED", "CANCELLED"].includes(status)) return 1;
  const plan = expandStages(batchStages);
  let sum = 0;
  for (const stage of plan) {
    const checkpoint = checkpoints.find((row) => row.stage === stage);
    if (!checkpoint) continue;
    if (checkpoint.status === "COMPLETED" || checkpoint.status === "SKIPPED") sum += 1;
    else if (PAGE_STAGES.has(stage) && checkpoint.pagesTotal) sum += Math.min(1, checkpoint.pagesDone / checkpoint.pagesTotal);
  }
  return plan.length ? sum / plan.length : 0;
}
