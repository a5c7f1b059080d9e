import { afterEach, describe, expect, it, vi } from "vitest";
import type { JobDefinition } from "../../../src/jobs/job-definition.ts";
import type { EnqueueOptions } from "../../../src/jobs/job-queue.ts";
import { researchRefreshScheduler, type ResearchRefreshPayload } from "../../../src/research/research-refresh-job.ts";

describe("research refresh scheduling", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("throttles refreshes while documents finish and runs one at once when the batch ends, under one key per batch", async () => {
    vi.useFakeTimers({ now: new Date("2026-11-29T12:00:00Z") });
    const added: { payload: ResearchRefreshPayload; options: EnqueueOptions }[] = [];
    const queue = {
      enqueue: <P>(_job: JobDefinition<P>, payload: P, options: EnqueueOptions = {}) => {
        added.push({ payload: payload as ResearchRefreshPayload, options });
        return Promise.resolve();
      },
    };
    const job = { name: "research.refresh" } as JobDefinition<ResearchRefreshPayload>;
    const scheduler = researchRefreshScheduler(queue, job, 30_000);
    await scheduler.documentFinished("b1");
    await scheduler.batchEnded("b1");
    expect(added).toEqual([
      // Keeps the pending refresh's run time: at most one refresh per 30 s while documents finish.
      { payload: { batchId: "b1" }, options: { jobKey: "research:b1", jobKeyMode: "preserve_run_at", runAt: new Date("2026-11-29T12:00:30Z") } },
      // Replaces whatever is pending with a refresh now.
      { payload: { batchId: "b1" }, options: { jobKey: "research:b1" } },
    ]);
  });
});
