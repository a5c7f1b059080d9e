import { createPubSub, type PubSubEventTarget } from "graphql-yoga";
import type pg from "pg";
import { createCoalescingSubscription, type CoalescingSubscription } from "./coalescing-subscription.ts";
import { silentEventLogger, type EventBusLogger } from "./event-logger.ts";
import { eventTopic, type BatchEventInput, type EventMessage, type EventPublishArgs, type EventRoutingKey } from "./event-types.ts";
import { createLocalEventTarget, type BusEventTarget } from "./local-event-target.ts";
import { createPgEventTarget } from "./pg-event-target.ts";
import { progressPolicyFor } from "./progress-policies.ts";
import { createRedisBusEventTarget } from "./redis-event-target.ts";

/**
 * Where events travel. "memory" reaches only this process (tests, single-process dev);
 * "postgres" (LISTEN/NOTIFY) and "redis" (pub/sub) reach every process of the deployment.
 */
export type EventBusTransport =
  | { kind: "memory" }
  | {
      kind: "postgres";
      connectionString: string;
      /** LISTEN/NOTIFY channel; default "quire_events". */
      channel?: string;
      /** Pool to send NOTIFY through (left open by close()); by default the bus opens its own. */
      pool?: pg.Pool;
      /** application_name of the bus's connections; default "quire-events". */
      clientName?: string;
    }
  | { kind: "redis"; url: string; clientName?: string };

/** Options for {@link createEventBus}. */
export interface CreateEventBusOptions {
  transport: EventBusTransport;
  logger?: EventBusLogger;
  /** Limits applied to every subscription (see createCoalescingSubscription). */
  subscriber?: { progressIntervalMs?: number; maxBuffered?: number };
}

/**
 * Quire's typed pub/sub, put in the Yoga context as `pubsub` and passed to workers.
 * `publish` is fire-and-forget (transport failures are logged, never thrown at the publisher);
 * it throws only for programming errors: a message too large for NOTIFY, or a closed bus.
 */
export interface EventBus {
  /** Publishes `message` on `<routingKey>:<id>`, e.g. publish("batch", batchId, {...}). */
  publish<K extends EventRoutingKey>(routingKey: K, id: string, message: EventMessage<K>): void;
  /**
   * Subscribes to `<routingKey>:<id>`; listening starts at once, before the first next().
   * Progress is coalesced and throttled per subscriber, and memory stays bounded.
   */
  subscribe<K extends EventRoutingKey>(routingKey: K, id: string): CoalescingSubscription<EventMessage<K>>;
  /** Open subscriptions in this process. */
  readonly subscriberCount: number;
  /** Resolves once everything published so far has left this process. */
  flush(): Promise<void>;
  /** Ends every open subscription, sends pending publishes, releases every connection. */
  close(): Promise<void>;
}

interface Transport extends BusEventTarget {
  flush(): Promise<void>;
  close(): Promise<void>;
}

async function openTransport(transport: EventBusTransport, logger: EventBusLogger): Promise<Transport> {
  switch (transport.kind) {
    case "memory":
      return { ...createLocalEventTarget(logger), flush: async () => {}, close: async () => {} };
    case "postgres":
      return createPgEventTarget({ ...transport, logger });
    case "redis":
      return createRedisBusEventTarget({ ...transport, logger });
  }
}

/**
 * Creates the event bus on graphql-yoga's createPubSub over the chosen transport. Resolves
 * once the transport is connected and listening.
 */
export async function createEventBus(options: CreateEventBusOptions): Promise<EventBus> {
  const logger = options.logger ?? silentEventLogger;
  const target = await openTransport(options.transport, logger);
  const pubsub = createPubSub<EventPublishArgs>({
    eventTarget: target as unknown as PubSubEventTarget<EventPublishArgs>,
  });
  const open = new Set<CoalescingSubscription<unknown>>();
  let closed = false;

  return {
    publish(routingKey, id, message) {
      // createPubSub's rest-tuple signature cannot follow a generic key; the interface above
      // already ties the message type to the key.
      (pubsub.publish as (key: string, id: string, message: unknown) => void)(routingKey, id, message);
    },
    subscribe<K extends EventRoutingKey>(routingKey: K, id: string) {
      if (closed) throw new Error(`Cannot subscribe to "${eventTopic(routingKey, id)}": the event bus is closed`);
      const topic = eventTopic(routingKey, id);
      // Listens on the target directly rather than through pubsub.subscribe: its Repeater only
      // starts listening at the first next() and queues without bound for a slow reader.
      const subscription: CoalescingSubscription<EventMessage<K>> = createCoalescingSubscription({
        attach(deliver) {
          const listener = (event: Event) => deliver((event as CustomEvent<EventMessage<K>>).detail);
          target.addEventListener(topic, listener);
          return () => target.removeEventListener(topic, listener);
        },
        policy: progressPolicyFor(routingKey),
        progressIntervalMs: options.subscriber?.progressIntervalMs,
        maxBuffered: options.subscriber?.maxBuffered,
        onEnd: () => open.delete(subscription),
      });
      open.add(subscription);
      return subscription;
    },
    get subscriberCount() {
      return open.size;
    },
    flush: () => target.flush(),
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...open].map((subscription) => subscription.return()));
      await target.close();
    },
  };
}

/**
 * Publishes one change of a batch (the only way the pipeline and the batch lifecycle publish):
 * stamps the batch id and the time the publisher observed the change.
 */
export function publishBatchEvent(bus: EventBus, batchId: string, event: BatchEventInput): void {
  bus.publish("batch", batchId, { ...event, batchId, at: new Date().toISOString() });
}
