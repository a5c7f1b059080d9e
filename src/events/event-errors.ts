import { DomainError } from "../errors/domain-errors.ts";

/**
 * Thrown synchronously by `publish` when a message would not fit in one PostgreSQL NOTIFY
 * payload. It is a programming error (messages carry ids and counters, not content), so the
 * publisher learns at once instead of the event silently vanishing.
 */
export class EventPayloadTooLargeError extends Error {
  readonly topic: string;
  readonly bytes: number;
  readonly limitBytes: number;

  constructor(topic: string, bytes: number, limitBytes: number) {
    super(
      `Event on "${topic}" is ${bytes} bytes once encoded; PostgreSQL NOTIFY accepts at most ` +
        `${limitBytes}. Publish ids and counters and let subscribers re-read the rest.`,
    );
    this.name = "EventPayloadTooLargeError";
    this.topic = topic;
    this.bytes = bytes;
    this.limitBytes = limitBytes;
  }
}

/**
 * Ends a subscription whose consumer fell so far behind that even after coalescing more than
 * `limit` events were waiting. A domain error with a stable code, so clients see it unmasked
 * and know to resubscribe and re-read the snapshot.
 */
export class SubscriberOverflowError extends DomainError {
  constructor(limit: number) {
    super("SUBSCRIBER_TOO_SLOW", `Subscription ended: the client fell more than ${limit} events behind. Resubscribe.`);
    this.name = "SubscriberOverflowError";
  }
}
