import { randomBytes } from "node:crypto";
import { createClient as createSseClient, type Client as SseClient } from "graphql-sse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type PrismaClient } from "../../../src/db/prisma-client.ts";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { openaiErrors, startFakeLlmServer, type FakeLlmServer } from "../../helpers/fake-llm-server.ts";
import { buildTextPdf } from "../../helpers/pdf-fixtures.ts";
import { startServerProcess, uploadOverHttp, type ServerProcess } from "../../helpers/server-process.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.ts";
import { openRawSocket, sseResults, wsClient } from "./security-support.ts";

/**
 * A real server process runs real batches with a real API key over HTTP, graphql-ws and SSE,
 * calling an OpenAI-compatible provider (the fake server) with its own key, at LOG_LEVEL=debug;
 * errors are provoked on purpose. Afterwards neither key, nor the Authorization header, may be
 * found in the logs, in anything a client received, or in what the database keeps.
 */

const PROGRESS = `subscription ($id: ID!) { batchProgress(batchId: $id) {
  kind stage batch { status } document { id status error { code message } } } }`;
const BATCH = `query ($id: ID!) { batch(id: $id) { id status
  documents { status summary error { code message } stages { stage status error { code message } } } } }`;

interface Result {
  data?: unknown;
  errors?: readonly unknown[];
}

/** Every result of a subscription until the server completes it (or its error, recorded). */
async function collect(iterable: AsyncIterable<Result>): Promise<{ results: Result[]; failure?: unknown }> {
  const results: Result[] = [];
  try {
    for await (const result of iterable) results.push(result);
    return { results };
  } catch (failure) {
    return { results, failure: failure instanceof Error ? failure.message : failure };
  }
}

function lastEvent(run: { results: Result[] }): { kind: string; batch: { status: string } } | undefined {
  return (run.results.at(-1)?.data as { batchProgress?: { kind: string; batch: { status: string } } } | undefined)?.batchProgress;
}

describe("secrets stay out of logs, client answers and the database while batches run", () => {
  let fake: FakeLlmServer;
  let database: TestDatabase;
  let prisma: PrismaClient;
  let server: ServerProcess;
  let user: TestUserWithKey;
  const providerKey = `sk-test-${randomBytes(24).toString("hex")}`;
  /** A well-formed key that is not the user's (refused keys must not be logged either). */
  const wrongKey = `qk_${randomBytes(32).toString("base64url").slice(0, 43)}`;
  /** Everything the server sent back to a client, as text. */
  const answers: string[] = [];
  const sseClients: SseClient[] = [];
  let logs = "";
  let refusedBatch: { status: string; documents: { status: string; error: { code: string; message: string } | null; stages: { stage: string; error: { code: string; message: string } | null }[] }[] };

  /** Every form of every secret in play; the key prefix (qk_ + 6 characters) is public. */
  const secrets = () => ({
    "the API key": user.key,
    "the API key's secret part": user.key.slice(9),
    "the Authorization header": user.headers.authorization,
    "the provider key": providerKey,
    "the provider key's random part": providerKey.slice("sk-test-".length),
    "a refused key": wrongKey,
  });
  function expectNoSecrets(text: string, where: string): void {
    expect(text.length, `${where} is empty`).toBeGreaterThan(0);
    for (const [name, secret] of Object.entries(secrets())) {
      expect(text.includes(secret), `${where} contains ${name}`).toBe(false);
    }
    expect(text, where).not.toMatch(/Bearer qk_|Bearer sk-/);
  }

  async function post(query: string, variables: Record<string, unknown>, authorization = user.headers.authorization) {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    answers.push(text);
    return { status: response.status, body: JSON.parse(text) as { data?: Record<string, unknown>; errors?: { message: string; extensions?: { code?: string } }[] } };
  }

  function sseClient(authorization = user.headers.authorization): SseClient {
    const client = createSseClient({ url: `${server.url}/graphql`, headers: { authorization }, retryAttempts: 0 });
    sseClients.push(client);
    return client;
  }

  beforeAll(async () => {
    fake = await startFakeLlmServer();
    database = await createTestDatabase();
    prisma = createPrismaClient(database.url, { poolSize: 2 });
    user = await createTestUserWithKey(prisma);
    server = await startServerProcess({
      DATABASE_URL: database.url,
      QUIRE_BOOTSTRAP_KEY: "false",
      LOG_LEVEL: "debug",
      LLM_PROVIDER: "openai",
      OPENAI_API_KEY: providerKey,
      OPENAI_BASE_URL: fake.openaiBaseUrl,
      QUIRE_RENDER_WORKERS: "1",
      QUIRE_USER_RPM: "100000",
      REDIS_URL: undefined,
    });
    // graphile-worker deletes finished jobs: keep a copy of every row version it writes.
    await prisma.$executeRawUnsafe(`CREATE TABLE test_job_audit (row jsonb NOT NULL)`);
    await prisma.$executeRawUnsafe(`CREATE FUNCTION test_job_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO public.test_job_audit (row) VALUES (to_jsonb(NEW)); RETURN NEW; END $$`);
    await prisma.$executeRawUnsafe(`CREATE TRIGGER test_job_audit AFTER INSERT OR UPDATE ON graphile_worker._private_jobs
      FOR EACH ROW EXECUTE FUNCTION test_job_audit()`);

    // 1. A batch that completes, with provider calls (parse, summarize, embed), watched over
    //    graphql-ws (key in connectionParams) and SSE (key in the Authorization header).
    const ws = wsClient(server.port, user.connectionParams);
    try {
      const batchId = await uploadOverHttp(server.url, user.headers.authorization, [{ name: "fine.pdf", bytes: await buildTextPdf({ pages: 2 }) }]);
      const runs = await Promise.all([
        collect(ws.iterate({ query: PROGRESS, variables: { id: batchId } })),
        collect(sseClient().iterate({ query: PROGRESS, variables: { id: batchId } })),
      ]);
      answers.push(...runs.map((run) => JSON.stringify(run)));
      for (const run of runs) expect(lastEvent(run)).toMatchObject({ kind: "BATCH_STATUS", batch: { status: "COMPLETED" } });
      answers.push(JSON.stringify(await collect(ws.iterate({ query: BATCH, variables: { id: batchId } }))));
      answers.push(JSON.stringify(await collect(sseClient().iterate({ query: BATCH, variables: { id: batchId } }))));
      expect((await post(BATCH, { id: batchId })).body.data).toMatchObject({ batch: { status: "COMPLETED" } });

      // 2. The provider refuses its key, quoting it back as OpenAI does: the stage fails with
      //    its own message, which clients read.
      fake.respond = () => openaiErrors.invalidKey(providerKey);
      const refusedId = await uploadOverHttp(server.url, user.headers.authorization, [
        { name: "refused.pdf", bytes: await buildTextPdf({ pages: 1, linesPerPage: 9, references: 2 }) },
      ]);
      const refusedRun = await collect(ws.iterate({ query: PROGRESS, variables: { id: refusedId } }));
      answers.push(JSON.stringify(refusedRun));
      expect(lastEvent(refusedRun)).toMatchObject({ kind: "BATCH_STATUS", batch: { status: "FAILED" } });
      refusedBatch = (await post(BATCH, { id: refusedId })).body.data!.batch as typeof refusedBatch;
      answers.push(JSON.stringify(await collect(sseClient().iterate({ query: BATCH, variables: { id: refusedId } }))));
      fake.respond = null;

      // 3. Other errors on each transport: unknown ids, invalid operations, bad keys.
      answers.push(JSON.stringify(await collect(ws.iterate({ query: BATCH, variables: { id: "00000000-0000-4000-8000-000000000000" } }))));
      answers.push(JSON.stringify(await collect(ws.iterate({ query: "{ batch(id: 1) { nope } }" }))));
      answers.push(JSON.stringify(await collect(sseClient().iterate({ query: PROGRESS, variables: { id: "not-an-id" } }))));
      for (const authorization of [`Bearer ${wrongKey}`, `Bearer ${user.key}x`, wrongKey]) {
        const refused = await post(BATCH, { id: refusedId }, authorization);
        expect(refused.status).toBe(401);
        expect(refused.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
        const sse = await sseResults(server.port, PROGRESS, { headers: { authorization }, variables: { id: refusedId } });
        answers.push(JSON.stringify(sse));
        expect(sse.status).toBe(401);
        const socket = await openRawSocket(server.port);
        socket.send({ type: "connection_init", payload: { authorization } });
        const closed = await socket.closed;
        answers.push(JSON.stringify(closed));
        expect(closed.code).toBe(4403);
      }
    } finally {
      await ws.dispose();
    }
    for (const client of sseClients) client.dispose();
    // Stop gracefully so every log line is written.
    expect(await server.stop()).toBe(0);
    logs = server.output();
  });
  afterAll(async () => {
    for (const client of sseClients) client.dispose();
    await server?.stop("SIGKILL");
    await fake?.close();
    await prisma?.$disconnect();
    await database?.drop();
  });

  it("called the provider with its key, and reported the refused key as the stage's error", () => {
    expect(fake.requests.map((request) => request.path)).toEqual(expect.arrayContaining(["/v1/chat/completions", "/v1/embeddings"]));
    expect(fake.requests.every((request) => request.headers.authorization === `Bearer ${providerKey}`)).toBe(true);
    expect(refusedBatch.status).toBe("FAILED");
    const [document] = refusedBatch.documents;
    expect(document!.error).toMatchObject({ code: "PROVIDER_AUTH_FAILED", message: expect.stringMatching(/rejected the credentials/) as string });
    const failedStage = document!.stages.find((stage) => stage.error?.code === "PROVIDER_AUTH_FAILED");
    expect(failedStage?.error?.message).toMatch(/rejected the credentials/);
  });

  it("keeps every key out of the debug logs (stdout and stderr)", () => {
    expect(logs).toContain('"msg":"stage run ended"');
    expect(logs).toContain("PROVIDER_AUTH_FAILED");
    expectNoSecrets(logs, "the server's logs");
  });

  it("keeps every key out of what clients received, errors included", () => {
    const text = answers.join("\n");
    expect(text).toContain("UNAUTHENTICATED");
    expect(text).toContain("Batch not found");
    expect(text).toContain("rejected the credentials");
    expectNoSecrets(text, "the answers to clients");
  });

  it("keeps every key out of job payloads, checkpoints and provider call records", async () => {
    const rows = async (sql: string) => (await prisma.$queryRawUnsafe<{ row: string }[]>(sql)).map((row) => row.row);
    const jobs = await rows("SELECT row::text AS row FROM test_job_audit");
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.filter((job) => job.includes('"payload": {"stage": "SUMMARIZE"')).length).toBeGreaterThan(0);
    expectNoSecrets(jobs.join("\n"), "graphile-worker job rows");
    expectNoSecrets((await rows("SELECT to_jsonb(j)::text AS row FROM graphile_worker._private_jobs j")).join("\n") || "(none left)", "jobs left");

    const checkpoints = await rows("SELECT jsonb_build_object('output', output, 'warnings', warnings, 'code', error_code, 'error', error_message)::text AS row FROM checkpoints");
    expect(checkpoints.join("\n")).toContain("rejected the credentials");
    expectNoSecrets(checkpoints.join("\n"), "checkpoint outputs and errors");
    expectNoSecrets((await rows("SELECT to_jsonb(d)::text AS row FROM document_jobs d")).join("\n"), "document rows");

    const calls = await rows("SELECT to_jsonb(c)::text AS row FROM provider_calls c");
    expect(calls.join("\n")).toContain('"error_code": "PROVIDER_AUTH_FAILED"');
    expect(calls.filter((call) => call.includes('"provider": "openai"')).length).toBeGreaterThan(2);
    expectNoSecrets(calls.join("\n"), "provider_calls rows");
  });
});
