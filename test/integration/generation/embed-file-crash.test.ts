import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type PrismaClient } from "../../../src/db/prisma-client.ts";
import { createEventBus, type EventBus } from "../../../src/events/pubsub.ts";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { startFakeLlmServer, type FakeLlmServer } from "../../helpers/fake-llm-server.ts";
import { startServerProcess, type ServerProcess } from "../../helpers/server-process.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.ts";

const LINES = 300;
const content = Array.from({ length: LINES }, (_, index) => `crash line ${index + 1}`).join("\n");

describe("embedFile survives kill -9 of its worker process", () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let fake: FakeLlmServer;
  let events: EventBus;
  let user: TestUserWithKey;
  const servers: ServerProcess[] = [];
  const env = () => ({
    DATABASE_URL: database.url,
    QUIRE_BOOTSTRAP_KEY: "false",
    LLM_PROVIDER: "openai",
    OPENAI_BASE_URL: fake.openaiBaseUrl,
    OPENAI_API_KEY: "sk-test-key",
    // No response cache: every line the new process embeds is a request the fake sees.
    LLM_CACHE: "false",
    // Short, so the second process takes the dead one's work over quickly; long enough that a
    // live process on a loaded machine is never taken for dead.
    QUIRE_WORKER_DEAD_AFTER_MS: "4000",
    QUIRE_RENDER_WORKERS: "1",
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = createPrismaClient(database.url, { poolSize: 2 });
    // Slow enough that the job is mid-way when the process is killed.
    fake = await startFakeLlmServer({ latencyMs: 100 });
    // The server processes publish progress through PostgreSQL NOTIFY; the test listens the same way.
    events = await createEventBus({ transport: { kind: "postgres", connectionString: database.url } });
    user = await createTestUserWithKey(prisma);
  });
  afterAll(async () => {
    for (const server of servers) await server.stop("SIGKILL");
    await events.close();
    await prisma.$disconnect();
    await database.drop();
    await fake.close();
  });

  /** Waits on the job's progress events until `done` holds for its row. */
  async function until(id: string, done: (job: { status: string; processed: number }) => boolean) {
    const subscription = events.subscribe("embedding", id);
    try {
      let job = await prisma.embeddingJob.findUniqueOrThrow({ where: { id } });
      while (!done(job)) {
        const next = await subscription.next();
        if (next.done) throw new Error("progress subscription ended");
        job = await prisma.embeddingJob.findUniqueOrThrow({ where: { id } });
      }
      return job;
    } finally {
      await subscription.return();
    }
  }

  it("resumes the job in a new process from its checkpoint: it completes with every line exactly once", async () => {
    const first = await startServerProcess(env());
    servers.push(first);
    const form = new FormData();
    form.append("operations", JSON.stringify({ query: "mutation ($f: File!) { embedFile(file: $f, batchSize: 2) { id total } }", variables: { f: null } }));
    form.append("map", JSON.stringify({ 0: ["variables.f"] }));
    form.append("0", new File([content], "lines.txt", { type: "text/plain" }));
    const response = await fetch(`${first.url}/graphql`, { method: "POST", headers: { ...user.headers, "x-graphql-csrf": "1" }, body: form });
    const body = (await response.json()) as { data?: { embedFile: { id: string; total: number } }; errors?: unknown };
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    const { id, total } = body.data.embedFile;
    expect(total).toBe(LINES);

    await until(id, (job) => job.processed >= 60);
    await first.stop("SIGKILL");
    const killed = await prisma.embeddingJob.findUniqueOrThrow({ where: { id } });
    expect(killed.status).toBe("RUNNING");
    expect(killed.processed).toBeLessThan(LINES);
    expect(killed.linesDone).toBe(killed.processed);
    expect(await prisma.embeddingResult.count({ where: { jobId: id } })).toBe(killed.processed);
    const requestsBeforeRestart = fake.requests.length;

    const second = await startServerProcess(env());
    servers.push(second);
    const job = await until(id, (row) => row.status !== "RUNNING" && row.status !== "QUEUED");
    expect(job).toMatchObject({ status: "COMPLETED", processed: LINES, failed: 0, total: LINES, linesDone: LINES, errorCode: null, uploadOid: null });
    expect(job.claim).toBeGreaterThanOrEqual(2);

    const rows = await prisma.embeddingResult.findMany({ where: { jobId: id }, orderBy: { line: "asc" }, select: { line: true, text: true, errorCode: true } });
    expect(rows.map((row) => row.line)).toEqual(Array.from({ length: LINES }, (_, index) => index + 1));
    expect(rows.map((row) => row.text)).toEqual(content.split("\n"));
    expect(rows.filter((row) => row.errorCode !== null)).toEqual([]);
    // Resumed, not restarted: the new process never asked for a line stored before the kill.
    const resumedInputs = fake.requests.slice(requestsBeforeRestart).flatMap((request) => (request.body.input as string[] | undefined) ?? []);
    const storedBefore = new Set(content.split("\n").slice(0, killed.linesDone));
    expect(resumedInputs.filter((input) => storedBefore.has(input))).toEqual([]);
    expect(new Set(resumedInputs)).toEqual(new Set(content.split("\n").slice(killed.linesDone)));
  });
});
