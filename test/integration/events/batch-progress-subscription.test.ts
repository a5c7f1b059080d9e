import { createClient as createWsClient } from "graphql-ws";
import { createClient as createSseClient } from "graphql-sse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { uploadBatch, waitForBatch } from "../../helpers/batch-client.ts";
import { buildTextPdf } from "../../helpers/pdf-fixtures.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";

interface ProgressEvent {
  kind: string;
  stage: string | null;
  batch: { status: string; completedCount: number };
  document: { id: string; status: string } | null;
}

const SUBSCRIPTION = `subscription ($id: ID!) { batchProgress(batchId: $id) {
  kind stage batch { status completedCount } document { id status } } }`;

/** Every event of one subscription until the server completes it. */
async function collect(iterator: AsyncIterable<{ data?: unknown; errors?: unknown }>): Promise<ProgressEvent[]> {
  const events: ProgressEvent[] = [];
  for await (const result of iterator) {
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    events.push((result.data as { batchProgress: ProgressEvent }).batchProgress);
  }
  return events;
}

const ORDER = ["VALIDATE", "RENDER", "EXTRACT", "PARSE", "CLEAN", "SUMMARIZE", "CHUNK", "EMBED", "CITATIONS"];

function expectOrderedStageEvents(events: ProgressEvent[], documentIds: string[]): void {
  for (const id of documentIds) {
    const mine = events.filter((e) => e.document?.id === id && (e.kind === "STAGE_STARTED" || e.kind === "STAGE_COMPLETED"));
    const expected = ORDER.flatMap((stage) => [`STAGE_STARTED:${stage}`, `STAGE_COMPLETED:${stage}`]);
    // Stages that ran before the subscription started are in the snapshot, not in events;
    // from then on every transition arrives, in order.
    expect(mine.length).toBeGreaterThan(2);
    expect(mine.map((e) => `${e.kind}:${e.stage}`)).toEqual(expected.slice(expected.length - mine.length));
  }
}

describe("batchProgress subscription", () => {
  let testApp: TestApp;
  let user: TestUserWithKey;
  let url: string;
  let pdf: Uint8Array;

  beforeAll(async () => {
    testApp = await startTestApp({ listen: true, env: { QUIRE_WS_MAX_SUBSCRIPTIONS: "500", QUIRE_USER_RPM: "100000" } });
    user = await createTestUserWithKey(testApp.app.services().db.prisma);
    url = `http://127.0.0.1:${testApp.app.address()!.port}/graphql`;
    pdf = await buildTextPdf({ pages: 2 });
  });
  afterAll(async () => {
    await testApp.close();
  });

  it("streams a snapshot, then ordered stage events per document, then completes (graphql-ws and SSE)", async () => {
    const upload = await uploadBatch(testApp, user.headers, [
      { name: "a.pdf", bytes: pdf },
      { name: "b.pdf", bytes: pdf },
    ]);
    const batch = upload.data!.uploadBatch as { id: string; documents: { id: string }[] };
    const ws = createWsClient({ url: url.replace("http", "ws"), webSocketImpl: WebSocket, connectionParams: user.connectionParams, retryAttempts: 0 });
    const sse = createSseClient({ url, headers: user.headers, retryAttempts: 0 });
    const [wsEvents, sseEvents] = await Promise.all([
      collect(ws.iterate({ query: SUBSCRIPTION, variables: { id: batch.id } })),
      collect(sse.iterate({ query: SUBSCRIPTION, variables: { id: batch.id } })),
    ]);
    await ws.dispose();
    sse.dispose();

    for (const events of [wsEvents, sseEvents]) {
      expect(events[0]!.kind).toBe("SNAPSHOT");
      const last = events.at(-1)!;
      expect(last).toMatchObject({ kind: "BATCH_STATUS", batch: { status: "COMPLETED", completedCount: 2 } });
      expectOrderedStageEvents(events, batch.documents.map((d) => d.id));
      expect(events.filter((e) => e.kind === "DOCUMENT_FINISHED")).toHaveLength(2);
    }
  });

  it("gives a late subscriber (or a reconnect) a fresh snapshot and completes at a terminal state", async () => {
    const upload = await uploadBatch(testApp, user.headers, [{ name: "done.pdf", bytes: pdf }], { stages: ["VALIDATE"] });
    const id = upload.data!.uploadBatch.id;
    await waitForBatch(testApp, user.headers, id);
    const ws = createWsClient({ url: url.replace("http", "ws"), webSocketImpl: WebSocket, connectionParams: user.connectionParams, retryAttempts: 0 });
    const events = await collect(ws.iterate({ query: SUBSCRIPTION, variables: { id } }));
    await ws.dispose();
    expect(events).toEqual([{ kind: "SNAPSHOT", stage: null, batch: { status: "COMPLETED", completedCount: 1 }, document: null }]);
  });

  it("delivers the terminal event to 500 concurrent subscribers", async () => {
    const upload = await uploadBatch(testApp, user.headers, [{ name: "fanout.pdf", bytes: await buildTextPdf({ pages: 40 }) }]);
    const id = upload.data!.uploadBatch.id;
    const light = `subscription ($id: ID!) { batchProgress(batchId: $id) { kind batch { status } } }`;
    const sockets = Array.from({ length: 10 }, () =>
      createWsClient({ url: url.replace("http", "ws"), webSocketImpl: WebSocket, connectionParams: user.connectionParams, retryAttempts: 0 }),
    );
    let snapshots = 0;
    let allSubscribed: () => void = () => undefined;
    const subscribed = new Promise<void>((resolve) => (allSubscribed = resolve));
    const runs = Array.from({ length: 500 }, (_, index) =>
      (async () => {
        let last: { kind: string; batch: { status: string } } | undefined;
        for await (const result of sockets[index % 10]!.iterate({ query: light, variables: { id } })) {
          last = (result.data as { batchProgress: typeof last }).batchProgress;
          if (last?.kind === "SNAPSHOT" && ++snapshots === 500) allSubscribed();
        }
        return last;
      })(),
    );
    await subscribed;
    // The batch is still running (40 pages); cancelling it is the terminal event all must see.
    const cancel = await testApp.graphql<{ cancelBatch: { status: string } }>(`mutation ($id: ID!) { cancelBatch(id: $id) { status } }`, { id }, user.headers);
    expect(cancel.data!.cancelBatch.status).toBe("CANCELLED");
    const lasts = await Promise.all(runs);
    for (const socket of sockets) await socket.dispose();
    expect(lasts.filter((event) => event?.kind === "BATCH_STATUS" && event.batch.status === "CANCELLED")).toHaveLength(500);
  });

  it("refuses another user's batch exactly like an unknown one", async () => {
    const upload = await uploadBatch(testApp, user.headers, [{ name: "private.pdf", bytes: pdf }], { stages: ["VALIDATE"] });
    const stranger = await createTestUserWithKey(testApp.app.services().db.prisma);
    const ws = createWsClient({ url: url.replace("http", "ws"), webSocketImpl: WebSocket, connectionParams: stranger.connectionParams, retryAttempts: 0 });
    const messages: string[] = [];
    for (const id of [upload.data!.uploadBatch.id, "00000000-0000-4000-8000-000000000000"]) {
      try {
        await collect(ws.iterate({ query: SUBSCRIPTION, variables: { id } }));
      } catch (error) {
        // graphql-ws rejects with the operation's GraphQL errors (an array), not an Error.
        messages.push(JSON.stringify(error));
      }
    }
    await ws.dispose();
    expect(messages).toHaveLength(2);
    expect(messages[0]).toBe(messages[1]);
    expect(messages[0]).toContain("Batch not found");
  });
});
