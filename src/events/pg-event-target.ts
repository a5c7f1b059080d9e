import pg from "pg";
import { EventPayloadTooLargeError } from "./event-errors.ts";
import { silentEventLogger, type EventBusLogger } from "./event-logger.ts";
import { createTopicListeners, type BusEventTarget } from "./local-event-target.ts";

/** PostgreSQL rejects a NOTIFY payload of 8000 bytes or more (default build). */
export const PG_NOTIFY_MAX_PAYLOAD_BYTES = 7999;

/** Options for {@link createPgEventTarget}. */
export interface PgEventTargetOptions {
  connectionString: string;
  /** The one channel every topic travels on. Default "quire_events". */
  channel?: string;
  /**
   * Pool whose clients send NOTIFY. When omitted, a one-connection pool is created and closed
   * by close(); a pool passed in is left open for its owner.
   */
  pool?: pg.Pool;
  /** application_name of the bus's connections, so they are recognisable in pg_stat_activity. */
  clientName?: string;
  logger?: EventBusLogger;
  /** Backoff for re-establishing a lost LISTEN connection. Defaults 250 ms doubling to 30 s. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /**
   * How often the listening connection is probed, and how long a probe (or a connect) may take
   * before the connection is declared lost. Defaults 30 s and 10 s.
   */
  heartbeat?: { intervalMs?: number; timeoutMs?: number };
  /** Publishes waiting to be sent before new ones are dropped (database down). Default 10,000. */
  maxPendingPublishes?: number;
}

/** An EventTarget spanning every process connected to the same PostgreSQL database. */
export interface PgEventTarget extends BusEventTarget {
  /** Resolves once every event published so far has been handed to PostgreSQL. */
  flush(): Promise<void>;
  /** Sends what is pending, then closes the listening connection and the owned pool. */
  close(): Promise<void>;
}

/** What travels in a NOTIFY payload. `n` keeps payloads unique: PostgreSQL folds identical
 * notifications sent in one transaction, and one flush sends many in one statement. */
interface Envelope {
  t: string;
  n: number;
  d: unknown;
}

// One statement per flush. unnest yields the array in order and pg_notify runs per row, and
// notifications of one transaction are delivered in the order sent, so publish order holds.
const NOTIFY_SQL = "SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload";
const MAX_NOTIFY_BATCH = 256;
const CHANNEL_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Creates an event target over PostgreSQL LISTEN/NOTIFY: one dedicated listening connection per
 * process (LISTEN on one channel, local fan-out by topic) and NOTIFY through a pooled client.
 * Resolves once LISTEN is active, so a subscriber attached afterwards misses nothing sent later.
 *
 * Delivery is at most once: events sent while the listener is reconnecting are lost (the
 * reconnect is logged). Subscribers re-read the database for snapshots, so a gap heals at the
 * next event.
 */
export async function createPgEventTarget(options: PgEventTargetOptions): Promise<PgEventTarget> {
  const channel = options.channel ?? "quire_events";
  if (!CHANNEL_PATTERN.test(channel)) throw new Error(`Invalid LISTEN channel name "${channel}"`);
  const clientName = options.clientName ?? "quire-events";
  const logger = options.logger ?? silentEventLogger;
  const initialDelayMs = options.reconnect?.initialDelayMs ?? 250;
  const maxDelayMs = options.reconnect?.maxDelayMs ?? 30_000;
  const maxPending = options.maxPendingPublishes ?? 10_000;
  const heartbeatIntervalMs = options.heartbeat?.intervalMs ?? 30_000;
  const heartbeatTimeoutMs = options.heartbeat?.timeoutMs ?? 10_000;
  const connectionString = options.connectionString;

  const ownsPool = options.pool === undefined;
  const pool =
    options.pool ??
    new pg.Pool({
      connectionString,
      application_name: clientName,
      max: 1,
      // A publish must not wait forever for a database that is down; it is logged and dropped.
      connectionTimeoutMillis: 5_000,
    });
  if (ownsPool) pool.on("error", (error) => logger.warn({ err: error }, "idle NOTIFY connection failed"));

  const listeners = createTopicListeners(logger);
  const pending: string[] = [];
  let sentCount = 0;
  let draining: Promise<void> | undefined;
  let listener: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let reconnectAttempt = 0;
  let probing = false;
  let closed = false;

  function onNotification(notification: pg.Notification): void {
    if (notification.channel !== channel || notification.payload === undefined) return;
    let envelope: Partial<Envelope>;
    try {
      envelope = JSON.parse(notification.payload) as Partial<Envelope>;
    } catch (error) {
      logger.warn({ err: error, channel }, "ignored a malformed NOTIFY payload");
      return;
    }
    if (typeof envelope.t !== "string") return;
    listeners.dispatch(new CustomEvent(envelope.t, { detail: envelope.d }));
  }

  async function connectListener(): Promise<void> {
    const client = new pg.Client({
      connectionString,
      application_name: clientName,
      keepAlive: true,
      connectionTimeoutMillis: heartbeatTimeoutMs,
    });
    client.on("notification", onNotification);
    // Both fire when the connection drops; only the current listener triggers a reconnect.
    client.on("error", (error) => onListenerLost(client, error));
    client.on("end", () => onListenerLost(client, undefined));
    try {
      await client.connect();
      await client.query(`LISTEN "${channel}"`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (closed) {
      await client.end();
      return;
    }
    listener = client;
  }

  function onListenerLost(client: pg.Client, error: unknown): void {
    if (closed || client !== listener) return;
    listener = undefined;
    logger.warn({ err: error, channel }, "event listener connection lost; reconnecting");
    client.end().catch(() => {});
    scheduleReconnect();
  }

  function scheduleReconnect(): void {
    const backoff = Math.min(maxDelayMs, initialDelayMs * 2 ** reconnectAttempt);
    // Jitter spreads out the reconnects of many processes after a database restart.
    const delay = backoff / 2 + Math.random() * (backoff / 2);
    reconnectAttempt += 1;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connecting = reconnect();
    }, delay);
  }

  async function reconnect(): Promise<void> {
    try {
      await connectListener();
      if (!closed) logger.info({ channel, attempts: reconnectAttempt }, "event listener reconnected");
      reconnectAttempt = 0;
    } catch (error) {
      if (closed) return;
      logger.warn({ err: error, channel, attempt: reconnectAttempt }, "event listener reconnect failed");
      scheduleReconnect();
    } finally {
      connecting = undefined;
    }
  }

  // A connection that vanished without a FIN or RST (failover, NAT timeout) raises no event and
  // would leave LISTEN silently deaf; a query that does not come back within the timeout reveals
  // it. Ending a client with a query in flight destroys its socket.
  async function probeListener(): Promise<void> {
    const client = listener;
    // One probe at a time: a second query queued behind a hung one proves nothing.
    if (client === undefined || probing) return;
    probing = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${heartbeatTimeoutMs} ms`)), heartbeatTimeoutMs);
    });
    try {
      await Promise.race([client.query("SELECT 1"), timeout]);
    } catch (error) {
      onListenerLost(client, error);
    } finally {
      clearTimeout(timer);
      probing = false;
    }
  }

  async function drain(): Promise<void> {
    try {
      while (pending.length > 0) {
        const batch = pending.splice(0, MAX_NOTIFY_BATCH);
        try {
          await pool.query(NOTIFY_SQL, [channel, batch]);
        } catch (error) {
          logger.error({ err: error, channel, dropped: batch.length }, "NOTIFY failed; events dropped");
        }
      }
    } finally {
      draining = undefined;
    }
  }

  async function flush(): Promise<void> {
    while (draining !== undefined) await draining;
  }

  try {
    await connectListener();
  } catch (error) {
    if (ownsPool) await pool.end();
    throw error;
  }
  const heartbeatTimer = setInterval(() => void probeListener(), heartbeatIntervalMs);

  return {
    addEventListener: listeners.addEventListener,
    removeEventListener: listeners.removeEventListener,
    dispatchEvent(event) {
      if (closed) throw new Error(`Cannot publish on "${event.type}": the event bus is closed`);
      const envelope: Envelope = { t: event.type, n: ++sentCount, d: (event as CustomEvent).detail };
      const payload = JSON.stringify(envelope);
      const bytes = Buffer.byteLength(payload);
      if (bytes > PG_NOTIFY_MAX_PAYLOAD_BYTES) {
        throw new EventPayloadTooLargeError(event.type, bytes, PG_NOTIFY_MAX_PAYLOAD_BYTES);
      }
      if (pending.length >= maxPending) {
        logger.error({ channel, topic: event.type, pending: pending.length }, "NOTIFY backlog full; event dropped");
        return false;
      }
      pending.push(payload);
      draining ??= drain();
      return true;
    },
    flush,
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(reconnectTimer);
      clearInterval(heartbeatTimer);
      await flush();
      await connecting;
      const client = listener;
      listener = undefined;
      try {
        await client?.end();
      } finally {
        if (ownsPool) await pool.end();
      }
    },
  };
}
