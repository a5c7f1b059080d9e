import {
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
  subscribe,
  type ExecutionResult,
} from "graphql";
import { describe, expect, it } from "vitest";
import type { BatchProgressMessage } from "../../../src/events/event-types.ts";
import { createEventBus, publishBatchEvent, type EventBus } from "../../../src/events/pubsub.ts";

const at = new Date(0).toISOString();

describe("createEventBus (memory transport)", () => {
  it("routes each message to the subscribers of its topic only", async () => {
    const bus = await createEventBus({ transport: { kind: "memory" } });
    const batch = bus.subscribe("batch", "b1");
    const other = bus.subscribe("batch", "b2");
    const embedding = bus.subscribe("embedding", "j1");
    bus.publish("batch", "b1", { kind: "BATCH_STATUS", batchId: "b1", status: "RUNNING", at });
    bus.publish("embedding", "j1", { jobId: "j1", processed: 3, failed: 0, done: true, at });
    expect((await batch.next()).value).toMatchObject({ batchId: "b1", status: "RUNNING" });
    expect((await embedding.next()).value).toMatchObject({ jobId: "j1", done: true });
    expect(other.bufferedCount).toBe(0);
    await bus.close();
  });

  it("listens from subscribe(), before the first next()", async () => {
    const bus = await createEventBus({ transport: { kind: "memory" } });
    const subscription = bus.subscribe("embedding", "j1");
    bus.publish("embedding", "j1", { jobId: "j1", processed: 1, failed: 0, done: false, at });
    expect((await subscription.next()).value).toMatchObject({ jobId: "j1", processed: 1 });
    await bus.close();
  });

  it("keeps a subscriber that never reads bounded through 100k published page events", async () => {
    const bus = await createEventBus({ transport: { kind: "memory" } });
    const stalled = bus.subscribe("batch", "b1");
    let maxBuffered = 0;
    for (let i = 0; i < 100_000; i += 1) {
      const message: BatchProgressMessage = {
        kind: "PAGE_PROGRESS",
        batchId: "b1",
        documentId: `doc-${i % 20}`,
        pagesDone: i,
        pagesTotal: 100_000,
        at,
      };
      bus.publish("batch", "b1", message);
      maxBuffered = Math.max(maxBuffered, stalled.bufferedCount);
    }
    expect(maxBuffered).toBeLessThanOrEqual(40);
    bus.publish("batch", "b1", { kind: "BATCH_STATUS", batchId: "b1", status: "COMPLETED", at });
    let last: BatchProgressMessage | undefined;
    while (stalled.bufferedCount > 0) last = (await stalled.next()).value;
    expect(last).toMatchObject({ kind: "BATCH_STATUS", status: "COMPLETED" });
    await bus.close();
  });

  it("close() ends open subscriptions and refuses new ones", async () => {
    const bus = await createEventBus({ transport: { kind: "memory" } });
    const subscription = bus.subscribe("batch", "b1");
    const pending = subscription.next();
    expect(bus.subscriberCount).toBe(1);
    await bus.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(bus.subscriberCount).toBe(0);
    expect(() => bus.subscribe("batch", "b1")).toThrow(/closed/);
  });

  it("forgets a subscription when its consumer returns", async () => {
    const bus = await createEventBus({ transport: { kind: "memory" } });
    const subscription = bus.subscribe("batch", "b1");
    await subscription.return();
    expect(bus.subscriberCount).toBe(0);
    await bus.close();
  });

  it("serves as a GraphQL subscription source, and unsubscribing releases it", async () => {
    const bus = await createEventBus({ transport: { kind: "memory" } });
    const BatchProgress = new GraphQLObjectType({
      name: "BatchProgress",
      fields: { kind: { type: new GraphQLNonNull(GraphQLString) }, status: { type: GraphQLString } },
    });
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({ name: "Query", fields: { ok: { type: GraphQLString } } }),
      subscription: new GraphQLObjectType({
        name: "Subscription",
        fields: {
          batchProgress: {
            type: new GraphQLNonNull(BatchProgress),
            args: { batchId: { type: new GraphQLNonNull(GraphQLString) } },
            // What the Pothos field will do, with the bus taken from the Yoga context.
            subscribe: (_root, args: { batchId: string }, context: { pubsub: EventBus }) =>
              context.pubsub.subscribe("batch", args.batchId),
            resolve: (message: BatchProgressMessage) => message,
          },
        },
      }),
    });
    const stream = (await subscribe({
      schema,
      document: parse('subscription { batchProgress(batchId: "b1") { kind status } }'),
      contextValue: { pubsub: bus },
    })) as AsyncGenerator<ExecutionResult>;
    expect(bus.subscriberCount).toBe(1);
    bus.publish("batch", "b1", { kind: "BATCH_STATUS", batchId: "b1", status: "COMPLETED", at });
    expect((await stream.next()).value).toEqual({ data: { batchProgress: { kind: "BATCH_STATUS", status: "COMPLETED" } } });
    await stream.return(undefined);
    expect(bus.subscriberCount).toBe(0);
    await bus.close();
  });

  it("publishes batch events through one typed helper: the schema's stage and status unions, stamped with batch and time", async () => {
    const bus = await createEventBus({ transport: { kind: "memory" } });
    const subscription = bus.subscribe("batch", "b1");
    publishBatchEvent(bus, "b1", { kind: "STAGE_STARTED", documentId: "d1", stage: "RENDER", status: "RUNNING" });
    // @ts-expect-error a stage the schema does not have is a compile error, not a runtime surprise
    const wrong: Parameters<typeof publishBatchEvent>[2] = { kind: "STAGE_STARTED", stage: "RENDERING" };
    void wrong;
    const received = (await subscription.next()).value as BatchProgressMessage;
    expect(received).toMatchObject({ kind: "STAGE_STARTED", batchId: "b1", documentId: "d1", stage: "RENDER", status: "RUNNING" });
    expect(Number.isNaN(Date.parse(received.at))).toBe(false);
    await bus.close();
  });
});
