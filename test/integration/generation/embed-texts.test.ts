import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeVector, openaiErrors } from "../../helpers/fake-llm-server.ts";
import { startGenerationHarness, type GenerationHarness } from "./generation-support.ts";

const EMBED = `mutation ($texts: [String!]!, $batchSize: Int) {
  embedTexts(texts: $texts, batchSize: $batchSize) {
    vectors failures { index code message }
    stats { batches texts failures totalTokens costUsd durationMs textsPerSecond } } }`;

interface EmbedView {
  vectors: (number[] | null)[];
  failures: { index: number; code: string; message: string }[];
  stats: { batches: number; texts: number; failures: number; totalTokens: number; costUsd: number };
}

function expectVector(actual: number[] | null, text: string): void {
  const expected = fakeVector(text);
  expect(actual).toHaveLength(expected.length);
  actual!.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 5));
}

describe("embedTexts through the real gateway", () => {
  let harness: GenerationHarness;

  beforeAll(async () => {
    harness = await startGenerationHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it("sends ceil(n / batchSize) requests and returns the vectors in input order", async () => {
    harness.fake.reset();
    harness.fake.respond = () => ({ latencyMs: Math.floor(Math.random() * 60) });
    const texts = Array.from({ length: 70 }, (_, index) => `text number ${index} ${"x".repeat(index % 7)}`);
    const result = await harness.testApp.graphql<{ embedTexts: EmbedView }>(EMBED, { texts, batchSize: 16 }, harness.user.headers);
    const { vectors, failures, stats } = result.data!.embedTexts;
    const embeddingRequests = harness.fake.requests.filter((request) => request.path === "/v1/embeddings");
    expect(embeddingRequests).toHaveLength(Math.ceil(70 / 16));
    expect(embeddingRequests.map((request) => (request.body.input as string[]).length).sort((a, b) => a - b)).toEqual([6, 16, 16, 16, 16]);
    expect(embeddingRequests.every((request) => request.body.model === "text-embedding-3-small")).toBe(true);
    expect(failures).toEqual([]);
    texts.forEach((text, index) => expectVector(vectors[index]!, text));
    expect(stats).toMatchObject({ batches: 5, texts: 70, failures: 0 });
    expect(stats.totalTokens).toBeGreaterThan(0);
  });

  it("fails only the texts of a refused request", async () => {
    harness.fake.reset();
    harness.fake.script({ latencyMs: 50 }, openaiErrors.badRequest());
    const texts = ["alpha", "beta", "gamma", "delta"];
    const result = await harness.testApp.graphql<{ embedTexts: EmbedView }>(EMBED, { texts, batchSize: 2 }, harness.user.headers);
    const { vectors, failures } = result.data!.embedTexts;
    // The second request (the first to answer) was refused; which pair it carried depends on send order.
    const refused = (harness.fake.requests[1]!.body.input as string[]).map((text) => texts.indexOf(text));
    expect(failures.map((failure) => [failure.index, failure.code])).toEqual(refused.map((index) => [index, "PROVIDER_BAD_REQUEST"]));
    texts.forEach((text, index) => (refused.includes(index) ? expect(vectors[index]).toBeNull() : expectVector(vectors[index]!, text)));
  });

  it("rejects invalid input with BAD_USER_INPUT", async () => {
    const empty = await harness.testApp.graphql(EMBED, { texts: [] }, harness.user.headers);
    expect(empty.errors![0]).toMatchObject({ message: "texts must contain at least one text", extensions: { code: "BAD_USER_INPUT" } });
    const batch = await harness.testApp.graphql(EMBED, { texts: ["a"], batchSize: 0 }, harness.user.headers);
    expect(batch.errors![0]).toMatchObject({ message: "batchSize must be at least 1", extensions: { code: "BAD_USER_INPUT" } });
  });
});
