import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { Redis } from "ioredis";
import { silentEventLogger, type EventBusLogger } from "./event-logger.ts";
import type { BusEventTarget } from "./local-event-target.ts";

/** Options for {@link createRedisBusEventTarget}. */
export interface RedisBusEventTargetOptions {
  url: string;
  /** Redis CLIENT SETNAME prefix ("-pub"/"-sub" appended), to spot the bus in CLIENT LIST. */
  clientName?: string;
  logger?: EventBusLogger;
}

/** An EventTarget spanning every process connected to the same Redis. */
export interface RedisBusEventTarget extends BusEventTarget {
  /** Resolves once every event published so far has been acknowledged by Redis. */
  flush(): Promise<void>;
  /** Waits for pending publishes, then quits both connections. */
  close(): Promise<void>;
}

/**
 * Creates an event target over Redis pub/sub with @graphql-yoga/redis-event-target and two
 * ioredis clients (a subscribed connection cannot publish). One Redis channel per topic; ioredis
 * re-subscribes after a reconnect. Resolves once both connections are ready.
 */
export async function createRedisBusEventTarget(options: RedisBusEventTargetOptions): Promise<RedisBusEventTarget> {
  const logger = options.logger ?? silentEventLogger;
  const clientName = options.clientName ?? "quire-events";
  const publishClient = new Redis(options.url, { lazyConnect: true, connectionName: `${clientName}-pub` });
  // SUBSCRIBE is sent by the library without awaiting it: retrying forever (instead of failing
  // after 20 attempts) keeps an outage from turning into unhandled rejections.
  const subscribeClient = new Redis(options.url, {
    lazyConnect: true,
    connectionName: `${clientName}-sub`,
    maxRetriesPerRequest: null,
  });
  for (const [role, client] of [["publish", publishClient], ["subscribe", subscribeClient]] as const) {
    client.on("error", (error: unknown) => logger.warn({ err: error, role }, "redis event connection error"));
    client.on("reconnecting", () => logger.info({ role }, "redis event connection reconnecting"));
  }
  try {
    await Promise.all([publishClient.connect(), subscribeClient.connect()]);
  } catch (error) {
    // A failed first connect keeps retrying in the background unless told otherwise.
    publishClient.disconnect();
    subscribeClient.disconnect();
    // ioredis says only "Connection is closed."; the URL may hold a password, so it is not quoted.
    throw new Error(`Redis event transport could not connect: ${(error as Error).message}`, { cause: error });
  }

  const inner = createRedisEventTarget<CustomEvent>({ publishClient, subscribeClient });
  let lastPublish: Promise<unknown> = Promise.resolve();
  let closed = false;

  return {
    addEventListener(topic, listener) {
      if (!closed) inner.addEventListener(topic, listener as EventListener | null);
    },
    removeEventListener(topic, listener) {
      if (!closed) inner.removeEventListener(topic, listener as EventListener | null);
    },
    dispatchEvent(event) {
      if (closed) throw new Error(`Cannot publish on "${event.type}": the event bus is closed`);
      // Published here rather than by the library, which leaves the command's promise floating.
      // One connection sends commands in order, so awaiting the last one awaits them all.
      const detail = (event as CustomEvent).detail as unknown;
      lastPublish = publishClient
        .publish(event.type, detail === undefined ? "" : JSON.stringify(detail))
        .catch((error: unknown) => logger.error({ err: error, topic: event.type }, "redis PUBLISH failed; event dropped"));
      return true;
    },
    async flush() {
      await lastPublish;
    },
    async close() {
      if (closed) return;
      closed = true;
      await lastPublish;
      await Promise.all([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}
