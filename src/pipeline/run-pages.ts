import Bottleneck from "bottleneck";
import type { StageContext } from "./stage-context.ts";

/**
 * Runs `work` for each page, `deps.pageConcurrency` at a time, reporting progress as pages
 * finish. The first failure stops scheduling further pages and is rethrown after the pages
 * in flight settle, so no write races the failure handling.
 */
export async function runPages(
  context: StageContext,
  pending: number[],
  total: number,
  work: (pageNumber: number) => Promise<void>,
): Promise<void> {
  const limiter = new Bottleneck({ maxConcurrent: context.deps.pageConcurrency });
  let done = total - pending.length;
  let failure: Error | undefined;
  await context.reportPages(done, total);
  await Promise.all(
    pending.map((pageNumber) =>
      limiter.schedule(async () => {
        if (failure !== undefined || context.signal.aborted) return;
        try {
          await work(pageNumber);
          done++;
          await context.reportPages(done, total);
        } catch (error) {
          failure ??= error instanceof Error ? error : new Error(String(error));
        }
      }),
    ),
  );
  await limiter.disconnect();
  if (failure !== undefined) throw failure;
  context.signal.throwIfAborted();
}
