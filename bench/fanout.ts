// Publish -> delivery latency of the event bus, for 1 and 1,000 subscribers of one topic,
// over PostgreSQL LISTEN/NOTIFY and (when reachable) Redis. The publisher and the subscribers
// use separate bus instances with their own connections, as two processes would; both live in
// this process so one clock times the trip.
//
//   npm run bench -- fanout [--database-url URL] [--redis-url URL] [--messages 300] [--interval-ms 5]
import { parseArgs } from "node:util";
import { emitBenchResult, type BenchFigure } from "./bench-output.ts";
import { SHARED_MACHINE_NOTE } from "./bench-tools.ts";
import type { BatchProgressMessage } from "../src/events/event-types.ts";
import { createEventBus, type EventBus, type EventBusTransport } from "../src/events/pubsub.ts";

const { values } = parseArgs({
  options: {
    "database-url": { type: "string", default: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
    "redis-url": { type: "string", default: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" },
    messages: { type: "string", default: "300" },
    "interval-ms": { type: "string", default: "5" },
  },
});
const messageCount = Number(values.messages);
const intervalMs = Number(values["interval-ms"]);
const subscriberCounts = [1, 1_000];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Publishes a marker until the first subscriber sees it, so SUBSCRIBE (Redis) is in place. */
async function warmUp(publisher: EventBus, batchId: string, first: AsyncIterator<BatchProgressMessage>): Promise<void> {
  let seen = false;
  const reader = first.next().then(() => (seen = true));
  for (let attempt = 0; !seen && attempt < 200; attempt += 1) {
    publisher.publish("batch", batchId, { kind: "STAGE_STARTED", batchId, seq: -1, at: new Date().toISOString() });
    await sleep(25);
  }
  await reader;
}

async function measure(transport: EventBusTransport, subscribers: number): Promise<number[]> {
  const publisher = await createEventBus({ transport });
  const receiver = await createEventBus({ transport });
  const batchId = crypto.randomUUID();
  const subscriptions = Array.from({ length: subscribers }, () => receiver.subscribe("batch", batchId));
  await warmUp(publisher, batchId, subscriptions[0]!);

  const sentAt: number[] = [];
  const latencies: number[] = [];
  const readers = subscriptions.map(async (subscription) => {
    for await (const message of subscription) {
      if (message.kind === "BATCH_STATUS") return;
      const sent = message.seq === undefined ? undefined : sentAt[message.seq];
      if (sent !== undefined) latencies.push(performance.now() - sent);
    }
  });
  for (let seq = 0; seq < messageCount; seq += 1) {
    sentAt[seq] = performance.now();
    publisher.publish("batch", batchId, { kind: "STAGE_STARTED", batchId, stage: "EXTRACT", seq, at: new Date().toISOString() });
    await sleep(intervalMs);
  }
  publisher.publish("batch", batchId, { kind: "BATCH_STATUS", batchId, status: "COMPLETED", at: new Date().toISOString() });
  await Promise.all(readers);
  await Promise.all([publisher.close(), receiver.close()]);
  if (latencies.length !== messageCount * subscribers) {
    throw new Error(`expected ${messageCount * subscribers} deliveries, got ${latencies.length}`);
  }
  return latencies.sort((a, b) => a - b);
}

const transports: [string, EventBusTransport][] = [
  ["postgres", { kind: "postgres", connectionString: values["database-url"], channel: "quire_events_bench" }],
];
const redis: EventBusTransport = { kind: "redis", url: values["redis-url"] };
try {
  await (await createEventBus({ transport: redis })).close();
  transports.push(["redis", redis]);
} catch (error) {
  console.log(`redis skipped: ${(error as Error).message}`);
}

console.log(`node ${process.version}, ${messageCount} messages per run, one every ${intervalMs} ms`);
console.log("transport  subscribers  deliveries    p50 ms    p99 ms    max ms");
const figures: BenchFigure[] = [];
for (const [name, transport] of transports) {
  for (const subscribers of subscriberCounts) {
    const latencies = await measure(transport, subscribers);
    const cells = [percentile(latencies, 50), percentile(latencies, 99), latencies.at(-1) ?? NaN].map((ms) =>
      ms.toFixed(2).padStart(9),
    );
    console.log(
      `${name.padEnd(9)}  ${String(subscribers).padStart(11)}  ${String(latencies.length).padStart(10)}  ${cells.join(" ")}`,
    );
    figures.push({
      name: `${name}${subscribers}p99`,
      value: percentile(latencies, 99),
      unit: "ms",
      ...(subscribers === 1_000 ? { reference: 50, referenceLabel: "target <" } : {}),
      higherIsBetter: false,
    });
  }
}
await emitBenchResult("fanout", figures, { messages: messageCount, intervalMs, note: SHARED_MACHINE_NOTE });
