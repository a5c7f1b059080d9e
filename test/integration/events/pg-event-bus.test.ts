import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EventPayloadTooLargeError } from "../../../src/events/event-errors.ts";
import type { EventBusLogger } from "../../../src/events/event-logger.ts";
import { createPgEventTarget } from "../../../src/events/pg-event-target.ts";
import { createEventBus, type EventBus } from "../../../src/events/pubsub.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.ts";
import { startBlackholeProxy } from "./fixtures/blackhole-proxy.ts";
import { describeBusContract } from "./fixtures/bus-contract.ts";
import {
  batchFinished,
  eventually,
  isBatchFinished,
  readUntil,
  recordingLogger,
} from "./fixtures/event-test-support.ts";

let database: TestDatabase;
let admin: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase();
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await database?.drop();
});

function openPgBus(clientName: string, logger?: EventBusLogger): Promise<EventBus> {
  return createEventBus({ transport: { kind: "postgres", connectionString: database.url, clientName }, logger });
}

async function pgConnections(clientName: string): Promise<number> {
  const { rows } = await admin.query<{ count: string }>(
    "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
    [clientName],
  );
  return Number(rows[0]?.count);
}

describeBusContract("postgres LISTEN/NOTIFY transport", () => ({
  openBus: (clientName) => openPgBus(clientName),
  serverConnections: pgConnections,
  untilSubscribed: async () => {}, // LISTEN is active once createEventBus resolves
}));

describe("postgres LISTEN/NOTIFY transport, specifics", () => {
  const opened: EventBus[] = [];
  async function openBus(clientName = `quire-events-pg-${randomUUID().slice(0, 8)}`, logger?: EventBusLogger) {
    const bus = await openPgBus(clientName, logger);
    opened.push(bus);
    return bus;
  }
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((bus) => bus.close()));
  });

  it("rejects a message over the 8000-byte NOTIFY limit at publish, and keeps working", async () => {
    const bus = await openBus();
    const batchId = randomUUID();
    const subscription = bus.subscribe("batch", batchId);
    const oversized = { ...batchFinished(batchId), documentId: "x".repeat(8_000) };
    expect(() => bus.publish("batch", batchId, oversized)).toThrow(EventPayloadTooLargeError);
    expect(() => bus.publish("batch", batchId, oversized)).toThrow(/at most 7999/);
    // The largest message the bus accepts must also be one PostgreSQL accepts (no off-by-one).
    let length = 8_000;
    for (;;) {
      try {
        bus.publish("batch", batchId, { ...batchFinished(batchId), documentId: "x".repeat(length) });
        break;
      } catch (error) {
        expect(error).toBeInstanceOf(EventPayloadTooLargeError);
        length -= 1;
      }
    }
    expect(length).toBeGreaterThan(7_700);
    const [received] = await readUntil(subscription, isBatchFinished);
    expect(received?.documentId).toHaveLength(length);
  });

  it("re-establishes LISTEN with backoff after its connection is killed, and logs it", async () => {
    const logger = recordingLogger();
    const clientName = `quire-events-pg-${randomUUID().slice(0, 8)}`;
    const publisher = await openBus();
    const subscriber = await openBus(clientName, logger);
    const batchId = randomUUID();
    const subscription = subscriber.subscribe("batch", batchId);

    const { rowCount } = await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'",
      [clientName],
    );
    expect(rowCount).toBe(1);
    await eventually(() => logger.messages.includes("event listener connection lost; reconnecting"));
    await eventually(() => logger.messages.includes("event listener reconnected"));

    publisher.publish("batch", batchId, batchFinished(batchId));
    expect(await readUntil(subscription, isBatchFinished)).toHaveLength(1);
  });

  it("notices a listening connection that went silent (no FIN, no RST) and reconnects", async () => {
    const proxy = await startBlackholeProxy(database.url);
    const logger = recordingLogger();
    const target = await createPgEventTarget({
      connectionString: proxy.rewrite(database.url),
      logger,
      heartbeat: { intervalMs: 100, timeoutMs: 300 },
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    try {
      const publisher = await openBus();
      const batchId = randomUUID();
      const received: unknown[] = [];
      target.addEventListener(`batch:${batchId}`, (event) => received.push((event as CustomEvent).detail));

      proxy.blackhole();
      await eventually(() => logger.messages.includes("event listener connection lost; reconnecting"));
      await eventually(() => logger.messages.includes("event listener reconnect failed")); // still dark
      proxy.heal();
      await eventually(() => logger.messages.includes("event listener reconnected"));

      publisher.publish("batch", batchId, batchFinished(batchId));
      await eventually(() => received.length === 1);
    } finally {
      await target.close();
      await proxy.close();
    }
  });

  it("keeps a subscriber that never reads bounded through 100k page events, then delivers the terminal one", async () => {
    const publisher = await openBus();
    const subscriber = await openBus();
    const batchId = randomUUID();
    const stalled = subscriber.subscribe("batch", batchId);
    // Same process, same notification: once this reader has the terminal event, so has `stalled`.
    const probe = readUntil(subscriber.subscribe("batch", batchId), isBatchFinished, 60_000);
    const documents = 25;
    let maxBuffered = 0;
    const sampler = setInterval(() => {
      maxBuffered = Math.max(maxBuffered, stalled.bufferedCount);
    }, 1);
    try {
      for (let i = 0; i < 100_000; i += 1) {
        publisher.publish("batch", batchId, {
          kind: "PAGE_PROGRESS",
          batchId,
          documentId: `doc-${i % documents}`,
          pagesDone: Math.floor(i / documents),
          pagesTotal: 4_000,
          at: new Date().toISOString(),
        });
        if (i % 2_000 === 1_999) await publisher.flush();
      }
      publisher.publish("batch", batchId, batchFinished(batchId));
      await probe;
    } finally {
      clearInterval(sampler);
    }
    maxBuffered = Math.max(maxBuffered, stalled.bufferedCount);
    // At most one queued and one held message per document, plus the terminal event.
    expect(maxBuffered).toBeLessThanOrEqual(2 * documents + 1);
    const received = await readUntil(stalled, isBatchFinished);
    expect(received.at(-1)).toMatchObject({ kind: "BATCH_STATUS", status: "COMPLETED" });
    expect(received.length).toBeLessThanOrEqual(documents + 1);
  });
});
