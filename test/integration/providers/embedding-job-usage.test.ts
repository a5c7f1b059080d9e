import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uploadForEmbedding, waitForJob } from "../generation/embed-file-support.ts";
import { startGenerationHarness, type GenerationHarness } from "../generation/generation-support.ts";

describe("embedding jobs: total from the start, rates and usage", () => {
  let harness: GenerationHarness;

  beforeAll(async () => {
    harness = await startGenerationHarness({ listen: true });
  });
  afterAll(async () => {
    await harness.close();
  });

  it("knows its total when created and reports elapsed time, throughput and its calls' usage", async () => {
    const upload = await uploadForEmbedding(harness, "alpha\n\nbeta\ngamma\r\ndelta", { batchSize: 2 });
    expect(upload.errors).toBeUndefined();
    expect(upload.data!.embedFile.total).toBe(4);
    const { id } = upload.data!.embedFile;
    await waitForJob(harness, id);
    const result = await harness.testApp.graphql<{
      embeddingJob: { status: string; total: number; startedAt: string; elapsedMs: number; linesPerSecond: number; etaSeconds: number | null; usage: { calls: number; inputTokens: number; costUsd: number } };
    }>(`query ($id: ID!) { embeddingJob(id: $id) { status total startedAt elapsedMs linesPerSecond etaSeconds usage { calls inputTokens costUsd } } }`, { id }, harness.user.headers);
    const job = result.data!.embeddingJob;
    expect(job).toMatchObject({ status: "COMPLETED", total: 4, etaSeconds: null });
    expect(job.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(job.linesPerSecond === null || job.linesPerSecond > 0).toBe(true);
    const rows = await harness.testApp.app.services().db.prisma.providerCall.findMany({ where: { subjectId: id } });
    // batchSize 2 over 4 lines: two embeddings requests, both in the ledger and in the job's usage.
    expect(rows).toHaveLength(2);
    expect(job.usage).toEqual({
      calls: 2,
      inputTokens: rows.reduce((sum, row) => sum + row.inputTokens, 0),
      costUsd: expect.closeTo(rows.reduce((sum, row) => sum + row.costUsd, 0), 8) as unknown as number,
    });
    expect(job.usage.costUsd).toBeGreaterThan(0);
  });
});
