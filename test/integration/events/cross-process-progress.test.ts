import { setTimeout as sleep } from "node:timers/promises";
import { createClient as createSseClient, type Client as SseClient } from "graphql-sse";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createPrismaClient, type PrismaClient } from "../../../src/db/prisma-client.ts";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { buildTextPdf } from "../../helpers/pdf-fixtures.ts";
import { startServerProcess, uploadOverHttp, type ServerProcess } from "../../helpers/server-process.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.ts";
import { redisAnswers, redisTestUrl } from "./fixtures/event-test-support.ts";

/**
 * Live progress when the process serving the subscription is not the one doing the work: an
 * API process (QUIRE_ROLE=api) and a worker process (QUIRE_ROLE=worker) on one database, the
 * events travelling through PostgreSQL LISTEN/NOTIFY or Redis.
 *
 * The worker is held with SIGSTOP while a batch is uploaded and subscribed to, so every stage
 * event is published after the subscriber's snapshot and all of them can be asserted.
 */

const STAGES = ["VALIDATE", "RENDER", "EXTRACT", "PARSE", "CLEAN", "SUMMARIZE", "CHUNK", "EMBED", "CITATIONS"];
const EVERY_STAGE_EVENT = STAGES.flatMap((stage) => [`STAGE_STARTED:${stage}`, `STAGE_COMPLETED:${stage}`]);
const TERMINAL = ["COMPLETED", "PARTIAL", "FAILED", "CANCELLED"];

interface ProgressEvent {
  kind: string;
  at: string;
  stage: string | null;
  document: { id: string } | null;
  batch: {
    status: string;
    progress: number;
    completedCount: number;
    documents?: { id: string; stages: { stage: string; status: string }[] }[];
  };
}

const PROGRESS = `subscription ($id: ID!) { batchProgress(batchId: $id) {
  kind at stage document { id } batch { status progress completedCount } } }`;
const PROGRESS_WITH_STAGES = `subscription ($id: ID!) { batchProgress(batchId: $id) {
  kind at stage document { id } batch { status progress completedCount documents { id stages { stage status } } } } }`;

/** One subscription's events as they arrive; `ended` settles when the server ends it. */
interface Recording {
  readonly events: ProgressEvent[];
  readonly ended: Promise<void>;
  isOver(): boolean;
  until(predicate: (events: ProgressEvent[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
}

function record(results: AsyncIterable<{ data?: unknown; errors?: readonly unknown[] }>): Recording {
  const events: ProgressEvent[] = [];
  let over = false;
  const ended = (async () => {
    try {
      for await (const result of results) {
        if (result.errors) throw new Error(`subscription answered errors: ${JSON.stringify(result.errors)}`);
        events.push((result.data as { batchProgress: ProgressEvent }).batchProgress);
      }
    } catch (error) {
      // graphql-ws rejects with the operation's GraphQL errors (an array), not an Error.
      throw error instanceof Error ? error : new Error(JSON.stringify(error));
    } finally {
      over = true;
    }
  })();
  // Handled here so a dropped subscription is no unhandled rejection; tests await `ended`.
  void ended.catch(() => undefined);
  return {
    events,
    ended,
    isOver: () => over,
    async until(predicate, what, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(events)) {
        if (over) throw new Error(`the subscription ended before ${what}: ${describeEvents(events)}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${describeEvents(events)}`);
        await sleep(20);
      }
    },
  };
}

function describeEvents(events: ProgressEvent[]): string {
  return events.map((event) => `${event.kind}${event.stage ? `:${event.stage}` : ""}`).join(", ");
}

async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** STAGE_STARTED/STAGE_COMPLETED of one document, as "KIND:STAGE", in arrival order. */
function stageEventsOf(events: ProgressEvent[], documentId: string): string[] {
  return events
    .filter((event) => event.document?.id === documentId && (event.kind === "STAGE_STARTED" || event.kind === "STAGE_COMPLETED"))
    .map((event) => `${event.kind}:${event.stage}`);
}

/** Stage runs a process logged (debug) for these documents. */
function stageRuns(server: ServerProcess, documentIds: string[]): number {
  return server
    .output()
    .split("\n")
    .filter((line) => line.includes('"msg":"stage run ended"') && documentIds.some((id) => line.includes(id))).length;
}

/** Holds a process (SIGSTOP) or lets it go on (SIGCONT). */
function hold(server: ServerProcess): void {
  server.child.kill("SIGSTOP");
}
function release(server: ServerProcess): void {
  if (server.child.exitCode === null) server.child.kill("SIGCONT");
}

const redisReachable = await redisAnswers(redisTestUrl);
if (!redisReachable) {
  console.warn(`Skipping the cross-process progress test over Redis: nothing answered at ${redisTestUrl}.`);
}

describe("batch progress across an API process and a worker process", () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let user: TestUserWithKey;
  let twoPagePdf: Uint8Array;
  const servers: ServerProcess[] = [];
  const clients: (WsClient | SseClient)[] = [];

  const env = (role: "api" | "worker", extra: Record<string, string> = {}) => ({
    DATABASE_URL: database.url,
    QUIRE_ROLE: role,
    QUIRE_BOOTSTRAP_KEY: "false",
    QUIRE_RENDER_WORKERS: "1",
    QUIRE_USER_RPM: "100000",
    // "stage run ended" (debug) shows which process ran each stage.
    LOG_LEVEL: "debug",
    REDIS_URL: undefined,
    ...extra,
  });

  async function startPair(extra: Record<string, string> = {}): Promise<{ api: ServerProcess; worker: ServerProcess }> {
    const [api, worker] = await Promise.all([startServerProcess(env("api", extra)), startServerProcess(env("worker", extra))]);
    servers.push(api, worker);
    return { api, worker };
  }

  /** Stops a pair gracefully: a worker left running would take the next pair's jobs. */
  async function stopPair(...pair: (ServerProcess | undefined)[]): Promise<void> {
    for (const server of pair) {
      if (!server) continue;
      release(server);
      expect(await server.stop()).toBe(0);
    }
  }

  function wsClient(api: ServerProcess): WsClient {
    const client = createWsClient({
      url: `ws://127.0.0.1:${api.port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: user.headers.authorization },
      retryAttempts: 0,
    });
    clients.push(client);
    return client;
  }

  function sseClient(api: ServerProcess): SseClient {
    const client = createSseClient({ url: `${api.url}/graphql`, headers: { authorization: user.headers.authorization }, retryAttempts: 0 });
    clients.push(client);
    return client;
  }

  /** Uploads through the API while the worker is held, so no stage starts yet. */
  async function uploadWhileHeld(api: ServerProcess, worker: ServerProcess, files: { name: string; bytes: Uint8Array }[]) {
    hold(worker);
    const batchId = await uploadOverHttp(api.url, user.headers.authorization, files);
    const documents = await prisma.documentJob.findMany({ where: { batchId }, select: { id: true }, orderBy: { filename: "asc" } });
    return { batchId, documentIds: documents.map((document) => document.id) };
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = createPrismaClient(database.url, { poolSize: 2 });
    user = await createTestUserWithKey(prisma);
    twoPagePdf = await buildTextPdf({ pages: 2 });
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    for (const server of servers) {
      release(server);
      await server.stop("SIGKILL");
    }
    await prisma?.$disconnect();
    await database?.drop();
  });

  async function everyStageEventReachesBothTransports(api: ServerProcess, worker: ServerProcess): Promise<void> {
    const { batchId, documentIds } = await uploadWhileHeld(api, worker, [
      { name: "a.pdf", bytes: twoPagePdf },
      { name: "b.pdf", bytes: twoPagePdf },
    ]);
    let recordings: [string, Recording][];
    try {
      recordings = [
        ["graphql-ws", record(wsClient(api).iterate({ query: PROGRESS, variables: { id: batchId } }))],
        ["SSE", record(sseClient(api).iterate({ query: PROGRESS, variables: { id: batchId } }))],
      ];
      for (const [, recording] of recordings) await recording.until((events) => events.length > 0, "the snapshot");
    } finally {
      release(worker);
    }
    for (const [transport, recording] of recordings) {
      await recording.until(() => recording.isOver(), `${transport} to complete`, 60_000);
      await recording.ended;
    }

    for (const [transport, { events }] of recordings) {
      expect(events[0], transport).toMatchObject({ kind: "SNAPSHOT", stage: null, batch: { status: "QUEUED", progress: 0, completedCount: 0 } });
      for (const documentId of documentIds) {
        expect(stageEventsOf(events, documentId), `${transport}, document ${documentId}`).toEqual(EVERY_STAGE_EVENT);
      }
      expect(events.filter((event) => event.kind === "DOCUMENT_FINISHED").map((event) => event.document?.id).sort(), transport).toEqual(
        [...documentIds].sort(),
      );
      expect(events.filter((event) => event.kind === "BATCH_STATUS"), transport).toHaveLength(1);
      expect(events.at(-1), transport).toMatchObject({ kind: "BATCH_STATUS", batch: { status: "COMPLETED", progress: 1, completedCount: 2 } });
    }
    // The worker did all the work; the API process only served the subscription. The worker logs
    // "stage run ended" after the last stage has already finished the batch, so that line may reach
    // its stdout after the subscription ended: wait for it.
    await expect.poll(() => stageRuns(worker, documentIds), { timeout: 10_000 }).toBe(documentIds.length * STAGES.length);
    expect(stageRuns(api, documentIds)).toBe(0);
  }

  describe("over PostgreSQL LISTEN/NOTIFY", () => {
    let api: ServerProcess;
    let worker: ServerProcess;
    beforeAll(async () => {
      ({ api, worker } = await startPair());
    });
    afterAll(async () => {
      await stopPair(api, worker);
    });

    it("delivers every stage event of every document, in order, then the terminal status (graphql-ws and SSE)", async () => {
      await everyStageEventReachesBothTransports(api, worker);
    });

    it("gives a WebSocket that reconnects mid-batch a fresh snapshot of the current progress, then the rest", async () => {
      const fourPagePdf = await buildTextPdf({ pages: 4 });
      const { batchId, documentIds } = await uploadWhileHeld(api, worker, [
        { name: "a.pdf", bytes: fourPagePdf },
        { name: "b.pdf", bytes: fourPagePdf },
      ]);
      const completed = (events: ProgressEvent[]) => events.filter((event) => event.kind === "STAGE_COMPLETED");

      // First connection: the snapshot, then a few events, then the socket is dropped.
      const first = wsClient(api);
      let before: Recording;
      try {
        before = record(first.iterate({ query: PROGRESS, variables: { id: batchId } }));
        await before.until((events) => events.length > 0, "the first snapshot");
      } finally {
        release(worker);
      }
      await before.until((events) => completed(events).length >= 3, "a few completed stages");
      await first.dispose();
      const seenCompleted = completed(before.events).map((event) => `${event.document?.id}:${event.stage}`);
      const droppedAt = Date.now();

      // The batch goes on unobserved; then the worker is held so the snapshot can be compared
      // with the database exactly.
      const completedInDatabase = () => prisma.checkpoint.count({ where: { document: { batchId }, status: "COMPLETED" } });
      const deadline = Date.now() + 30_000;
      while ((await completedInDatabase()) <= seenCompleted.length && Date.now() < deadline) await sleep(20);
      hold(worker);
      let after: Recording;
      let checkpoints: { documentId: string; stage: string; status: string }[];
      try {
        const batch = await prisma.batchJob.findUniqueOrThrow({ where: { id: batchId }, select: { status: true } });
        expect(batch.status, "the batch must still be running when the client reconnects").toBe("RUNNING");
        // Held: whatever the worker was doing stays where it is until release.
        await sleep(200);
        checkpoints = await prisma.checkpoint.findMany({ where: { document: { batchId } }, select: { documentId: true, stage: true, status: true } });
        after = record(wsClient(api).iterate({ query: PROGRESS_WITH_STAGES, variables: { id: batchId } }));
        await after.until((events) => events.length > 0, "the snapshot after reconnecting");
      } finally {
        release(worker);
      }
      await within(after.ended, 90_000, "the reconnected subscription to complete");

      const [snapshot, ...rest] = after.events;
      expect(snapshot).toMatchObject({ kind: "SNAPSHOT", batch: { status: "RUNNING" } });
      expect(Date.parse(snapshot!.at)).toBeGreaterThanOrEqual(droppedAt - 1000);
      // The snapshot is the database's state at reconnection: more than the first socket saw.
      const snapshotStages = snapshot!.batch.documents!.flatMap((document) =>
        document.stages.map((stage) => `${document.id}:${stage.stage}:${stage.status}`),
      );
      expect(snapshotStages.sort()).toEqual(checkpoints.map((row) => `${row.documentId}:${row.stage}:${row.status}`).sort());
      const completedInSnapshot = snapshotStages.filter((entry) => entry.endsWith(":COMPLETED")).map((entry) => entry.replace(/:COMPLETED$/, ""));
      expect(completedInSnapshot.length).toBeGreaterThan(seenCompleted.length);
      expect(completedInSnapshot).toEqual(expect.arrayContaining(seenCompleted));
      expect(snapshot!.batch.progress).toBeGreaterThan(0);
      expect(snapshot!.batch.progress).toBeLessThan(1);

      // After the snapshot, each document's events go on in order from where it stood, and
      // the snapshot plus those events account for every stage.
      for (const documentId of documentIds) {
        const mine = stageEventsOf(rest, documentId);
        expect(mine, `document ${documentId}`).toEqual(EVERY_STAGE_EVENT.slice(EVERY_STAGE_EVENT.length - mine.length));
        const accounted = new Set([
          ...completedInSnapshot.filter((entry) => entry.startsWith(documentId)).map((entry) => entry.slice(documentId.length + 1)),
          ...mine.filter((entry) => entry.startsWith("STAGE_COMPLETED:")).map((entry) => entry.slice("STAGE_COMPLETED:".length)),
        ]);
        expect([...accounted].sort(), `document ${documentId}`).toEqual([...STAGES].sort());
      }
      expect(rest.at(-1)).toMatchObject({ kind: "BATCH_STATUS", batch: { status: "COMPLETED", progress: 1, completedCount: 2 } });
      expect(TERMINAL).toContain(rest.at(-1)!.batch.status);
      expect(stageRuns(api, documentIds)).toBe(0);
    });
  });

  describe.skipIf(!redisReachable)(`over Redis (REDIS_URL=${redisTestUrl})`, () => {
    let api: ServerProcess;
    let worker: ServerProcess;
    beforeAll(async () => {
      ({ api, worker } = await startPair({ REDIS_URL: redisTestUrl }));
    });
    afterAll(async () => {
      await stopPair(api, worker);
    });

    it("delivers every stage event of every document, in order, then the terminal status (graphql-ws and SSE)", async () => {
      await everyStageEventReachesBothTransports(api, worker);
    });
  });
});
