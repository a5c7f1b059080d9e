import { describe, expect, it } from "vitest";
import { embeddingJobRates } from "../../../src/embeddings/embedding-job-rates.ts";

const startedAt = new Date("2026-01-01T00:00:00Z");
const at = (seconds: number) => new Date(startedAt.getTime() + seconds * 1000);

describe("embedding job rates", () => {
  it("reports nothing before the job began", () => {
    expect(embeddingJobRates({ status: "QUEUED", processed: 0, total: 10, startedAt: null, finishedAt: null }, at(5))).toEqual({
      elapsedMs: null,
      linesPerSecond: null,
      etaSeconds: null,
    });
  });

  it("measures throughput since the start and projects the remaining lines", () => {
    expect(embeddingJobRates({ status: "RUNNING", processed: 300, total: 1000, startedAt, finishedAt: null }, at(10))).toEqual({
      elapsedMs: 10_000,
      linesPerSecond: 30,
      etaSeconds: 23.3,
    });
  });

  it("freezes elapsed time at the end and has no ETA once finished", () => {
    expect(embeddingJobRates({ status: "COMPLETED", processed: 1000, total: 1000, startedAt, finishedAt: at(20) }, at(99))).toEqual({
      elapsedMs: 20_000,
      linesPerSecond: 50,
      etaSeconds: null,
    });
  });
});
