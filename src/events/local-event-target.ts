import type { EventBusLogger } from "./event-logger.ts";

/** A topic listener as graphql-yoga's pub/sub registers it: a function or a handleEvent object. */
export type TopicListener = EventListenerOrEventListenerObject;

/**
 * The EventTarget shape graphql-yoga's `createPubSub` needs; every transport implements it.
 * Topics are the events' `type`, payloads their `detail`.
 */
export interface BusEventTarget {
  addEventListener(topic: string, listener: TopicListener | null): void;
  removeEventListener(topic: string, listener: TopicListener | null): void;
  dispatchEvent(event: Event): boolean;
}

/** Local fan-out from a topic to the listeners of this process; transports add dispatchEvent. */
export interface TopicListeners extends Pick<BusEventTarget, "addEventListener" | "removeEventListener"> {
  /** Calls every listener of `event.type`; a throwing listener is logged and the rest still run. */
  dispatch: (event: Event) => void;
}

/**
 * Creates the per-process topic -> listeners map shared by the transports. Node's own
 * EventTarget would do, but warns about a "possible leak" past 10 listeners per type, and
 * hundreds of subscribers to one batch are normal here.
 */
export function createTopicListeners(logger: EventBusLogger): TopicListeners {
  const byTopic = new Map<string, Set<TopicListener>>();
  return {
    addEventListener(topic, listener) {
      if (listener === null) return;
      const listeners = byTopic.get(topic) ?? new Set();
      byTopic.set(topic, listeners.add(listener));
    },
    removeEventListener(topic, listener) {
      const listeners = byTopic.get(topic);
      if (listener === null || listeners === undefined) return;
      listeners.delete(listener);
      if (listeners.size === 0) byTopic.delete(topic);
    },
    dispatch(event) {
      const listeners = byTopic.get(event.type);
      if (listeners === undefined) return;
      for (const listener of listeners) {
        try {
          if (typeof listener === "function") listener(event);
          else listener.handleEvent(event);
        } catch (error) {
          logger.error({ err: error, topic: event.type }, "event listener threw");
        }
      }
    },
  };
}

/** An in-process event target: events reach only this process. The default transport. */
export function createLocalEventTarget(logger: EventBusLogger): BusEventTarget {
  const { addEventListener, removeEventListener, dispatch } = createTopicListeners(logger);
  return {
    addEventListener,
    removeEventListener,
    dispatchEvent(event) {
      dispatch(event);
      return true;
    },
  };
}
