import { setTimeout as sleep } from "node:timers/promises";
import { createClient as createSseClient, type Client as SseClient } from "graphql-sse";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { uploadBatch } from "../../helpers/batch-client.ts";
import { buildTextPdf } from "../../helpers/pdf-fixtures.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";

/**
 * batchProgress checks that the viewer may see the batch on every event, not only when the
 * subscription starts: access that disappears mid-stream ends the stream with the same
 * NOT_FOUND a stranger or an unknown id gets, whatever fields the subscriber selected.
 */

// With and without the `batch` field: ownership must not depend on what the client selects.
const SELECTIONS = {
  full: "kind stage pagesDone batch { id status progress } document { id filename status }",
  withoutBatch: "kind stage pagesDone document { id filename status }",
};
const subscription = (selection: string) => `subscription ($id: ID!) { batchProgress(batchId: $id) { ${selection} } }`;

interface Outcome {
  /** Every `next` payload, as received. */
  results: { data?: unknown; errors?: readonly unknown[] }[];
  /** Set once the server ended the stream: completed, or failed with these errors. */
  end?: { completed: true } | { errors: unknown };
}

/** Records a subscription's payloads and how it ends; never rejects. */
function record(iterable: AsyncIterable<{ data?: unknown; errors?: readonly unknown[] }>): Outcome & { ended: Promise<void> } {
  const outcome: Outcome & { ended: Promise<void> } = { results: [], ended: Promise.resolve() };
  outcome.ended = (async () => {
    try {
      for await (const result of iterable) outcome.results.push(result);
      outcome.end = { completed: true };
    } catch (error) {
      // graphql-ws rejects with the operation's GraphQL errors; graphql-sse with an Error.
      outcome.end = { errors: error instanceof Error ? { message: error.message } : error };
    }
  })();
  return outcome;
}

async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A stream's whole outcome as text, for comparing two answers. */
function answerOf(outcome: Outcome): string {
  return JSON.stringify({ results: outcome.results, end: outcome.end });
}

describe("batchProgress checks ownership on every event", () => {
  let testApp: TestApp;
  let owner: TestUserWithKey;
  let other: TestUserWithKey;
  let url: string;
  let admin: pg.Client;
  const clients: (WsClient | SseClient)[] = [];

  const ws = (user: TestUserWithKey): WsClient => {
    const client = createWsClient({ url: url.replace("http", "ws"), webSocketImpl: WebSocket, connectionParams: user.connectionParams, retryAttempts: 0 });
    clients.push(client);
    return client;
  };
  const sse = (user: TestUserWithKey): SseClient => {
    const client = createSseClient({ url, headers: user.headers, retryAttempts: 0 });
    clients.push(client);
    return client;
  };
  const transports = { "graphql-ws": ws, SSE: sse };

  beforeAll(async () => {
    testApp = await startTestApp({ listen: true, env: { QUIRE_USER_RPM: "100000", QUIRE_RENDER_WORKERS: "1" } });
    const prisma = testApp.app.services().db.prisma;
    owner = await createTestUserWithKey(prisma, "owner");
    other = await createTestUserWithKey(prisma, "other");
    url = `http://127.0.0.1:${testApp.app.address()!.port}/graphql`;
    admin = new pg.Client({ connectionString: testApp.database.url });
    await admin.connect();
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await admin?.end();
    await testApp?.close();
  });

  it("ends the stream with NOT_FOUND at the next event once the batch changes hands (graphql-ws and SSE)", async () => {
    const upload = await uploadBatch(testApp, owner.headers, [{ name: "moving.pdf", bytes: await buildTextPdf({ pages: 6 }) }]);
    const batchId = upload.data!.uploadBatch.id;
    const streams = Object.entries(transports).flatMap(([transport, connect]) =>
      Object.entries(SELECTIONS).map(([selection, fields]) => ({
        name: `${transport} (${selection})`,
        outcome: record(connect(owner).iterate({ query: subscription(fields), variables: { id: batchId } })),
      })),
    );
    // Data flows to the owner first: the snapshot and at least one stage event each.
    for (const { name, outcome } of streams) {
      await until(() => outcome.results.length >= 2 || outcome.end !== undefined, `${name} to see a stage event`);
      expect(outcome.end, name).toBeUndefined();
      expect(outcome.results[0], name).toMatchObject({ data: { batchProgress: { kind: "SNAPSHOT" } } });
    }

    // Hold the pipeline still: every event is published after a write to the document's row
    // or its checkpoints, so while they are locked no new event can start.
    await admin.query("BEGIN");
    let seen: number[];
    try {
      // Checkpoints before documents: the pipeline's own transactions lock in that order.
      await admin.query("SELECT 1 FROM checkpoints WHERE document_id IN (SELECT id FROM document_jobs WHERE batch_id = $1) FOR UPDATE", [batchId]);
      await admin.query("SELECT 1 FROM document_jobs WHERE batch_id = $1 FOR UPDATE", [batchId]);
      const { rows } = await admin.query<{ status: string }>("SELECT status FROM batch_jobs WHERE id = $1", [batchId]);
      expect(rows[0]?.status, "the batch must still be running when it changes hands").toBe("RUNNING");
      // Let events already on their way arrive.
      let last = "";
      await until(async () => {
        const now = streams.map(({ outcome }) => outcome.results.length).join();
        const quiet = now === last;
        last = now;
        if (!quiet) await sleep(300);
        return quiet;
      }, "the streams to go quiet");
      seen = streams.map(({ outcome }) => outcome.results.length);
      // The batch is given to another user (as an admin or a bug elsewhere might do).
      await testApp.app.services().db.prisma.$executeRaw`UPDATE batch_jobs SET user_id = ${other.userId}::uuid WHERE id = ${batchId}::uuid`;
    } finally {
      await admin.query("ROLLBACK");
    }

    for (const { name, outcome } of streams) {
      await until(() => outcome.end !== undefined, `${name} to end`);
    }
    const unknown = Object.fromEntries(
      await Promise.all(
        Object.entries(transports).map(async ([transport, connect]) => {
          const outcome = record(connect(owner).iterate({ query: subscription(SELECTIONS.full), variables: { id: "00000000-0000-4000-8000-000000000000" } }));
          await outcome.ended;
          return [transport, outcome] as const;
        }),
      ),
    );
    streams.forEach(({ name, outcome }, index) => {
      const after = outcome.results.slice(seen[index]);
      // No data of the batch after the change: the next thing is the error, then the end.
      expect(after.filter((result) => result.data), name).toEqual([]);
      const transport = name.split(" ")[0]!;
      expect({ results: after, end: outcome.end }, name).toEqual({ results: unknown[transport]!.results, end: unknown[transport]!.end });
      // graphql-ws ends with an error message; SSE sends the errors as a result, then completes.
      expect(JSON.stringify({ after, end: outcome.end }), name).toContain('"code":"NOT_FOUND"');
    });
  });

  it("answers another user exactly as for an unknown id (graphql-ws and SSE)", async () => {
    const upload = await uploadBatch(testApp, owner.headers, [{ name: "private.pdf", bytes: await buildTextPdf({ pages: 1 }) }], { stages: ["VALIDATE"] });
    const batchId = upload.data!.uploadBatch.id;
    for (const [transport, connect] of Object.entries(transports)) {
      const answers: string[] = [];
      for (const id of [batchId, "00000000-0000-4000-8000-000000000000", "not-an-id"]) {
        const outcome = record(connect(other).iterate({ query: subscription(SELECTIONS.full), variables: { id } }));
        await outcome.ended;
        answers.push(answerOf(outcome));
      }
      expect(answers[0], transport).toContain("Batch not found");
      expect(answers[0], transport).not.toContain(batchId);
      expect(new Set(answers).size, `${transport}: ${answers.join("\n")}`).toBe(1);
    }
  });
});
