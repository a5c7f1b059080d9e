import { fork } from "node:child_process";
import { once } from "node:events";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createEventBus, type EventBus } from "../../../src/events/pubsub.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.ts";
import { isBatchFinished, readUntil } from "./fixtures/event-test-support.ts";

const childScript = fileURLToPath(new URL("./fixtures/publish-from-child.ts", import.meta.url));

let database: TestDatabase;
let bus: EventBus;

beforeAll(async () => {
  database = await createTestDatabase();
  bus = await createEventBus({ transport: { kind: "postgres", connectionString: database.url } });
});
afterAll(async () => {
  await bus?.close();
  await database?.drop();
});

it("receives, in order, what another OS process publishes over PostgreSQL", async () => {
  const batchId = randomUUID();
  const subscription = bus.subscribe("batch", batchId); // LISTEN is already active
  const child = fork(childScript, [database.url, batchId, "300"], { execArgv: [], stdio: "pipe" });
  let childOutput = "";
  child.stderr?.on("data", (chunk: Buffer) => (childOutput += chunk.toString()));
  const [exitCode] = (await once(child, "exit")) as [number | null];
  expect(exitCode, childOutput).toBe(0);

  const received = await readUntil(subscription, isBatchFinished);
  expect(received.slice(0, -1).map((m) => m.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i));
  expect(received.at(-1)).toMatchObject({ kind: "BATCH_STATUS", status: "COMPLETED" });
});
