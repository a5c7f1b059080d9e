import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { fakeVector, openaiErrors } from "../../helpers/fake-llm-server.ts";
import { download, JOB_FIELDS, uploadForEmbedding, waitForJob, type EmbeddingJobView } from "./embed-file-support.ts";
import { startGenerationHarness, type GenerationHarness } from "./generation-support.ts";

const PROGRESS = `subscription ($id: ID!) { embeddingProgress(jobId: $id) { kind processed failed total job { ${JOB_FIELDS} } } }`;

interface ProgressView {
  kind: "SNAPSHOT" | "PROGRESS" | "FINISHED";
  processed: number;
  failed: number;
  total: number | null;
  job: EmbeddingJobView;
}

const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

/** 3,000 lines: every fifth empty, some with CRLF endings and multi-byte characters. */
function buildLines(): { content: string; expected: { line: number; text: string }[] } {
  const parts: string[] = [];
  const expected: { line: number; text: string }[] = [];
  for (let line = 1; line <= 3000; line++) {
    if (line % 5 === 0) {
      parts.push(line % 10 === 0 ? "   \r\n" : "\n");
      continue;
    }
    const text = `line ${line}: ${line % 7 === 0 ? "naïve café — ünïcødé ✓" : "plain text"} ${"z".repeat(line % 13)}`;
    expected.push({ line, text });
    parts.push(line % 3 === 0 ? `${text}\r\n` : `${text}\n`);
  }
  return { content: parts.join(""), expected };
}

describe("embedFile: an uploaded file embedded line by line in the background", () => {
  let harness: GenerationHarness;
  let stranger: TestUserWithKey;

  beforeAll(async () => {
    harness = await startGenerationHarness({ listen: true, latencyMs: 25 });
    stranger = await createTestUserWithKey(harness.testApp.app.services().db.prisma);
  });
  afterAll(async () => {
    await harness.close();
  });

  async function progressEvents(id: string, connectionParams?: Record<string, unknown>): Promise<ProgressView[]> {
    const events: ProgressView[] = [];
    for await (const result of harness.ws(connectionParams).iterate({ query: PROGRESS, variables: { id } })) {
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      events.push((result.data as { embeddingProgress: ProgressView }).embeddingProgress);
    }
    return events;
  }

  it("embeds every non-empty line, streams progress until done, and serves the results as NDJSON in order", async () => {
    harness.fake.reset();
    const { content, expected } = buildLines();
    const upload = await uploadForEmbedding(harness, content, { filename: "corpus.txt", batchSize: 50 });
    expect(upload.errors).toBeUndefined();
    const job = upload.data!.embedFile;
    expect(job).toMatchObject({ filename: "corpus.txt", batchSize: 50, failed: 0, error: null, downloadUrl: `/embeddings/${job.id}.ndjson` });
    expect(["QUEUED", "RUNNING"]).toContain(job.status);

    const events = await progressEvents(job.id);
    expect(events[0]!.kind).toBe("SNAPSHOT");
    expect(events.length).toBeGreaterThan(2);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ kind: "FINISHED", processed: expected.length, failed: 0, total: expected.length });
    expect(last.job).toMatchObject({ status: "COMPLETED", processed: expected.length, failed: 0, total: expected.length, error: null });
    expect(last.job.finishedAt).toBeTruthy();
    const counts = events.map((event) => event.processed);
    expect([...counts].sort((a, b) => a - b)).toEqual(counts);

    const requests = harness.fake.requests.filter((request) => request.path === "/v1/embeddings");
    expect(requests).toHaveLength(Math.ceil(expected.length / 50));
    expect(requests.every((request) => (request.body.input as string[]).length <= 50)).toBe(true);

    const file = await download(harness, job.id);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    expect(file.headers.get("x-embedding-job-status")).toBe("COMPLETED");
    expect(file.text.endsWith("\n")).toBe(true);
    const rows = file.text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { line: number; text: string; vector: number[] | null; error: unknown });
    expect(rows).toHaveLength(expected.length);
    expect(rows.map((row) => row.line)).toEqual(expected.map((entry) => entry.line));
    expect(rows.map((row) => row.text)).toEqual(expected.map((entry) => entry.text));
    for (const row of rows) {
      expect(row.error).toBeNull();
      const want = fakeVector(row.text);
      row.vector!.forEach((value, index) => expect(value).toBeCloseTo(want[index]!, 3));
    }
  });

  it("treats another user's job exactly like an unknown one (GraphQL, subscription and download)", async () => {
    harness.fake.reset();
    const upload = await uploadForEmbedding(harness, "private line one\nprivate line two\n");
    const id = upload.data!.embedFile.id;
    await waitForJob(harness, id);

    const query = `query ($id: ID!) { embeddingJob(id: $id) { id } }`;
    const answers = [];
    for (const jobId of [id, UNKNOWN_ID, "not-a-uuid"]) answers.push(await harness.testApp.graphql(query, { id: jobId }, stranger.headers));
    for (const answer of answers) {
      expect(answer.data).toBeNull();
      expect(answer.errors).toEqual([{ message: "Embedding job not found", path: ["embeddingJob"], locations: expect.anything() as unknown, extensions: { code: "NOT_FOUND" } }]);
    }

    const messages: string[] = [];
    for (const jobId of [id, UNKNOWN_ID]) {
      await progressEvents(jobId, stranger.connectionParams).catch((error: unknown) => messages.push(JSON.stringify(error)));
    }
    expect(messages).toHaveLength(2);
    expect(messages[0]).toBe(messages[1]);
    expect(messages[0]).toContain("Embedding job not found");

    const theirs = await download(harness, id, stranger.headers);
    const unknown = await download(harness, UNKNOWN_ID, stranger.headers);
    expect(theirs).toMatchObject({ status: 404, text: unknown.text });
    expect(unknown.status).toBe(404);
    expect((await download(harness, id, {})).status).toBe(401);
    expect((await download(harness, id)).status).toBe(200);
  });

  it("gives a late subscriber a snapshot of the finished job and completes", async () => {
    const upload = await uploadForEmbedding(harness, "one\n\ntwo\n");
    const id = upload.data!.embedFile.id;
    await waitForJob(harness, id);
    const events = await progressEvents(id);
    expect(events).toEqual([
      expect.objectContaining({ kind: "SNAPSHOT", processed: 2, total: 2, job: expect.objectContaining({ status: "COMPLETED" }) as unknown }),
    ]);
  });

  it("fails the job with LINE_TOO_LONG; its download holds at most the lines before it", async () => {
    // Over 1,000,000 characters: refused while reading, before anything tokenises it.
    const content = `first\nsecond\n${"y".repeat(1_000_100)}\nnever read\n`;
    const upload = await uploadForEmbedding(harness, content, { batchSize: 1 });
    const job = await waitForJob(harness, upload.data!.embedFile.id);
    expect(job).toMatchObject({ status: "FAILED", error: { code: "LINE_TOO_LONG", message: "Line 3 is longer than 1000000 characters" } });
    const file = await download(harness, job.id);
    expect(file.status).toBe(200);
    expect(file.headers.get("x-embedding-job-status")).toBe("FAILED");
    // Batches still in flight when reading failed are dropped by embedLines; stored ones stay.
    const lines = file.text.split("\n").filter(Boolean).map((line) => (JSON.parse(line) as { line: number }).line);
    expect(lines.every((line) => line < 3)).toBe(true);
  });

  it("fails the job with the provider's code when every line failed, and downloads the errors", async () => {
    harness.fake.reset();
    harness.fake.respond = (request) => (request.path === "/v1/embeddings" ? openaiErrors.badRequest() : undefined);
    const upload = await uploadForEmbedding(harness, "refused one\n\nrefused two\n", { batchSize: 1 });
    const job = await waitForJob(harness, upload.data!.embedFile.id);
    harness.fake.respond = null;
    expect(job).toMatchObject({ status: "FAILED", processed: 2, failed: 2, total: 2, error: { code: "PROVIDER_BAD_REQUEST" } });
    expect(job.error!.message).toMatch(/^Every line failed: /);
    const rows = (await download(harness, job.id)).text.trimEnd().split("\n").map((line) => JSON.parse(line) as unknown);
    expect(rows).toEqual([
      { line: 1, text: "refused one", vector: null, error: { code: "PROVIDER_BAD_REQUEST", message: expect.any(String) as unknown } },
      { line: 3, text: "refused two", vector: null, error: { code: "PROVIDER_BAD_REQUEST", message: expect.any(String) as unknown } },
    ]);
  });

  it("rejects an empty file and a bad batchSize before creating a job", async () => {
    const empty = await uploadForEmbedding(harness, "");
    expect(empty.errors![0]).toMatchObject({ message: "The file is empty.", extensions: { code: "BAD_USER_INPUT" } });
    const badBatch = await uploadForEmbedding(harness, "text\n", { batchSize: 5000 });
    expect(badBatch.errors![0]).toMatchObject({ message: "batchSize must be at most 2048", extensions: { code: "BAD_USER_INPUT" } });
  });
});
