import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createCoalescingSubscription,
  type CoalescingSubscriptionOptions,
} from "../../../src/events/coalescing-subscription.ts";
import { SubscriberOverflowError } from "../../../src/events/event-errors.ts";
import type { BatchProgressMessage } from "../../../src/events/event-types.ts";
import { progressPolicyFor } from "../../../src/events/progress-policies.ts";

const at = "2025-01-01T00:00:00.000Z";
const page = (documentId: string, pagesDone: number): BatchProgressMessage => ({
  kind: "PAGE_PROGRESS",
  batchId: "b1",
  documentId,
  pagesDone,
  pagesTotal: 100_000,
  at,
});
const stage = (kind: BatchProgressMessage["kind"], documentId?: string): BatchProgressMessage => ({
  kind,
  batchId: "b1",
  ...(documentId === undefined ? {} : { documentId }),
  stage: "EXTRACT",
  at,
});

/** A subscription fed by hand, with the fake clock driving both the throttle and its timer. */
function feed(options: Partial<CoalescingSubscriptionOptions<BatchProgressMessage>> = {}) {
  let deliver: (message: BatchProgressMessage) => void = () => {};
  let attached = false;
  const subscription = createCoalescingSubscription<BatchProgressMessage>({
    attach(fn) {
      deliver = fn;
      attached = true;
      return () => {
        attached = false;
      };
    },
    policy: progressPolicyFor("batch"),
    now: () => Date.now(),
    ...options,
  });
  return {
    subscription,
    push: (message: BatchProgressMessage) => deliver(message),
    isAttached: () => attached,
  };
}

async function take(
  subscription: AsyncIterator<BatchProgressMessage>,
  count: number,
): Promise<BatchProgressMessage[]> {
  const out: BatchProgressMessage[] = [];
  for (let i = 0; i < count; i += 1) {
    const result = await subscription.next();
    if (result.done === true) break;
    out.push(result.value);
  }
  return out;
}

const describeMessage = (m: BatchProgressMessage) =>
  m.kind === "PAGE_PROGRESS" ? `${m.documentId}:${m.pagesDone}` : `${m.kind}${m.documentId ? `:${m.documentId}` : ""}`;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("createCoalescingSubscription", () => {
  it("keeps only the latest page progress per document while the consumer is behind", async () => {
    const { subscription, push } = feed();
    for (let n = 1; n <= 50; n += 1) push(page("a", n));
    push(page("b", 1));
    push(page("b", 2));
    expect(subscription.bufferedCount).toBe(2);
    expect((await take(subscription, 2)).map(describeMessage)).toEqual(["a:50", "b:2"]);
    // Just delivered, so the next page of "a" is held by the throttle, still replaced by newer ones.
    push(page("a", 51));
    push(page("a", 52));
    expect(subscription.bufferedCount).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect((await take(subscription, 1)).map(describeMessage)).toEqual(["a:52"]);
    await subscription.return();
  });

  it("replaces a queued progress message and moves it behind events that came before it", async () => {
    const { subscription, push } = feed();
    push(page("a", 1));
    push(stage("STAGE_COMPLETED", "a"));
    await vi.advanceTimersByTimeAsync(500);
    push(page("a", 2)); // a:1 never delivered, so a:2 is allowed and replaces it
    expect((await take(subscription, 2)).map(describeMessage)).toEqual(["STAGE_COMPLETED:a", "a:2"]);
    await subscription.return();
  });

  it("never drops stage and terminal events, and keeps their order", async () => {
    const { subscription, push } = feed();
    const kinds = ["STAGE_STARTED", "STAGE_COMPLETED", "STAGE_FAILED", "DOCUMENT_FINISHED"] as const;
    for (let i = 0; i < 200; i += 1) {
      push(stage(kinds[i % kinds.length]!, `d${i}`));
      push(page(`d${i}`, i));
    }
    push(stage("BATCH_STATUS"));
    const received = await take(subscription, 401);
    const events = received.filter((m) => m.kind !== "PAGE_PROGRESS");
    expect(events).toHaveLength(201);
    expect(events.map((m) => m.documentId ?? "batch")).toEqual([
      ...Array.from({ length: 200 }, (_, i) => `d${i}`),
      "batch",
    ]);
    await subscription.return();
  });

  it("delivers page progress of one document at most 10 times per second", async () => {
    const { subscription, push } = feed();
    const deliveredAt: number[] = [];
    const reader = (async () => {
      for await (const message of subscription) {
        if (message.kind === "PAGE_PROGRESS") deliveredAt.push(Date.now());
        if (message.kind === "DOCUMENT_FINISHED") break;
      }
    })();
    for (let ms = 0; ms < 2000; ms += 1) {
      push(page("a", ms));
      await vi.advanceTimersByTimeAsync(1);
    }
    push(stage("DOCUMENT_FINISHED", "a"));
    await reader;
    // t = 0, 100, ..., 1900, and the trailing delivery at 2000 of what arrived at 1999.
    expect(deliveredAt).toHaveLength(21);
    for (let i = 1; i < deliveredAt.length; i += 1) {
      expect(deliveredAt[i]! - deliveredAt[i - 1]!).toBeGreaterThanOrEqual(100);
    }
  });

  it("delivers held progress on the trailing edge when nothing follows", async () => {
    const { subscription, push } = feed();
    push(page("a", 1));
    expect(describeMessage((await subscription.next()).value as BatchProgressMessage)).toBe("a:1");
    push(page("a", 2));
    push(page("a", 3));
    const pending = subscription.next();
    await vi.advanceTimersByTimeAsync(100);
    expect(describeMessage((await pending).value as BatchProgressMessage)).toBe("a:3");
    await subscription.return();
  });

  it("drops held progress that a later event of the same document supersedes", async () => {
    const { subscription, push } = feed();
    push(page("a", 1));
    push(page("b", 1));
    await take(subscription, 2);
    push(page("a", 2)); // held by the throttle
    push(page("b", 2)); // held by the throttle
    push(stage("DOCUMENT_FINISHED", "a"));
    await vi.advanceTimersByTimeAsync(100);
    expect((await take(subscription, 2)).map(describeMessage)).toEqual(["DOCUMENT_FINISHED:a", "b:2"]);
    push(page("b", 3));
    push(stage("BATCH_STATUS")); // batch-level: supersedes every document's held progress
    await vi.advanceTimersByTimeAsync(100);
    expect(subscription.bufferedCount).toBe(1);
    expect((await take(subscription, 1)).map(describeMessage)).toEqual(["BATCH_STATUS"]);
    await subscription.return();
  });

  it("stays bounded for a consumer that never reads 100k page progress events", async () => {
    const { subscription, push } = feed();
    let maxBuffered = 0;
    for (let i = 0; i < 100_000; i += 1) {
      push(page(`doc-${i % 50}`, Math.floor(i / 50)));
      maxBuffered = Math.max(maxBuffered, subscription.bufferedCount);
      if (i % 1000 === 0) await vi.advanceTimersByTimeAsync(10);
    }
    expect(maxBuffered).toBeLessThanOrEqual(100); // one queued plus at most one held per document
    push(stage("BATCH_STATUS"));
    const received = await take(subscription, subscription.bufferedCount);
    expect(received.at(-1)?.kind).toBe("BATCH_STATUS");
    await subscription.return();
  });

  it("fails with SUBSCRIBER_TOO_SLOW once more than maxBuffered events wait, and detaches", async () => {
    const { subscription, push, isAttached } = feed({ maxBuffered: 10 });
    for (let i = 0; i < 11; i += 1) push(stage("STAGE_STARTED", `d${i}`));
    expect(isAttached()).toBe(false);
    expect(subscription.bufferedCount).toBe(0);
    const error = await subscription.next().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(SubscriberOverflowError);
    expect((error as SubscriberOverflowError).code).toBe("SUBSCRIBER_TOO_SLOW");
    expect(await subscription.next()).toEqual({ done: true, value: undefined });
  });

  it("return() detaches, releases the buffer and ends pending and later reads", async () => {
    const onEnd = vi.fn();
    const { subscription, push, isAttached } = feed({ onEnd });
    const pending = subscription.next();
    await subscription.return();
    expect(await pending).toEqual({ done: true, value: undefined });
    push(stage("BATCH_STATUS"));
    expect(subscription.bufferedCount).toBe(0);
    expect(isAttached()).toBe(false);
    expect(onEnd).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(await subscription.next()).toEqual({ done: true, value: undefined });
  });
});
