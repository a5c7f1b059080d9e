import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { buildTextPdf } from "../../helpers/pdf-fixtures.ts";
import { uploadOverHttp } from "../../helpers/server-process.ts";
import { startGenerationHarness, type GenerationHarness } from "../generation/generation-support.ts";

const ESTIMATE = `provider model prompts documents pages calls inputTokens maxOutputTokens priced inputCostUsd maxCostUsd maxBatchCostUsd
  parts { purpose provider model calls inputTokens maxOutputTokens priced inputCostUsd maxCostUsd }`;

interface Part {
  purpose: string;
  provider: string;
  model: string;
  calls: number;
  inputTokens: number;
  maxOutputTokens: number;
  priced: boolean;
  inputCostUsd: number;
  maxCostUsd: number;
}
interface Estimate extends Omit<Part, "purpose"> {
  prompts: number;
  documents: number;
  pages: number;
  maxBatchCostUsd: number | null;
  parts: Part[];
}

// USD per 1M tokens (the registry's list prices).
const PRICES: Record<string, { input: number; output: number }> = { "gpt-4o-mini": { input: 0.15, output: 0.6 }, "text-embedding-3-small": { input: 0.02, output: 0 } };

describe("estimateCost for a pipeline run with a model", () => {
  let harness: GenerationHarness;
  let other: TestUserWithKey;

  async function estimate(args: string, variables: Record<string, unknown> = {}, who = harness.user) {
    const types: Record<string, string> = { d: "[DocumentEstimateInput!]", b: "ID" };
    const declared = Object.keys(variables).map((name) => `$${name}: ${types[name]}`);
    const header = declared.length > 0 ? `query (${declared.join(", ")})` : "query";
    return harness.testApp.graphql<{ estimateCost: Estimate }>(`${header} { estimateCost(${args}) { ${ESTIMATE} } }`, variables, who.headers);
  }
  const part = (result: Estimate, purpose: string) => result.parts.find((candidate) => candidate.purpose === purpose)!;

  beforeAll(async () => {
    harness = await startGenerationHarness({ listen: true });
    other = await createTestUserWithKey(harness.testApp.app.services().db.prisma);
  });
  afterAll(async () => {
    await harness.close();
  });

  it("estimates described documents: a markdown call per page, a summary per document, embeddings of the chunks", async () => {
    const before = harness.fake.requests.length;
    const result = await estimate(`model: "gpt-4o-mini", documents: $d`, { d: [{ pages: 10, textTokens: 5000 }, { pages: 3 }] });
    expect(result.errors).toBeUndefined();
    const total = result.data!.estimateCost;
    expect(total).toMatchObject({ provider: "openai", model: "gpt-4o-mini", prompts: 0, documents: 2, pages: 13, priced: true, maxBatchCostUsd: null });
    expect(total.parts.map((each) => each.purpose)).toEqual(["pipeline.parse", "pipeline.summarize", "pipeline.embed"]);

    // The second document's text is unknown: 600 tokens per page are assumed.
    const text = 5000 + 3 * 600;
    const parse = part(total, "pipeline.parse");
    expect(parse).toMatchObject({ model: "gpt-4o-mini", calls: 13, maxOutputTokens: 13 * 1024 });
    // Each page sends its text layer and an image (a Letter page at 150 dpi: 4 tiles, 765 tokens for OpenAI) besides the prompt.
    expect(parse.inputTokens).toBeGreaterThan(text + 13 * 765);
    const summarize = part(total, "pipeline.summarize");
    expect(summarize).toMatchObject({ calls: 2, maxOutputTokens: 2 * 400 });
    expect(summarize.inputTokens).toBeGreaterThan(text);
    // Chunks of 512 tokens with 64 overlapping: 12 and 5 chunks, one request of up to 32 each.
    expect(part(total, "pipeline.embed")).toMatchObject({ provider: "openai", model: "text-embedding-3-small", calls: 2, inputTokens: Math.ceil((text * 512) / 448), maxOutputTokens: 0 });

    for (const each of total.parts) {
      const price = PRICES[each.model]!;
      expect(each.maxCostUsd).toBeCloseTo((each.inputTokens * price.input + each.maxOutputTokens * price.output) / 1e6, 8);
    }
    expect(total.calls).toBe(17);
    expect(total.inputTokens).toBe(total.parts.reduce((sum, each) => sum + each.inputTokens, 0));
    expect(total.maxCostUsd).toBeCloseTo(total.parts.reduce((sum, each) => sum + each.maxCostUsd, 0), 8);
    expect(harness.fake.requests.length).toBe(before);
  });

  it("prices page images by their size, and the offline provider's run at its embeddings only", async () => {
    const small = await estimate(`model: "gpt-4o-mini", documents: $d`, { d: [{ pages: 1, textTokens: 100, widthPx: 500, heightPx: 500 }] });
    const letter = await estimate(`model: "gpt-4o-mini", documents: $d`, { d: [{ pages: 1, textTokens: 100 }] });
    // 500×500 is one tile (255 tokens) where a Letter page is four (765).
    expect(part(letter.data!.estimateCost, "pipeline.parse").inputTokens - part(small.data!.estimateCost, "pipeline.parse").inputTokens).toBe(765 - 255);

    const local = await estimate(`provider: local, documents: $d`, { d: [{ pages: 4, textTokens: 2000 }] });
    if (!local.data) throw new Error(JSON.stringify(local.errors));
    expect(local.data!.estimateCost.parts.map((each) => each.purpose)).toEqual(["pipeline.embed"]);
  });

  it("estimates an uploaded batch from what its stages stored; another user's batch is NOT_FOUND", async () => {
    const pdf = await buildTextPdf({ pages: 3 });
    const batchId = await uploadOverHttp(harness.baseUrl, harness.user.headers.authorization, [{ name: "three.pdf", bytes: pdf }], { stages: ["EXTRACT"] });
    const events = harness.testApp.app.services().events.subscribe("batch", batchId);
    try {
      const { prisma } = harness.testApp.app.services().db;
      while (!["COMPLETED", "PARTIAL", "FAILED", "CANCELLED"].includes((await prisma.batchJob.findUniqueOrThrow({ where: { id: batchId } })).status)) await events.next();
    } finally {
      await events.return();
    }
    const result = await estimate(`model: "gpt-4o-mini", batchId: $b`, { b: batchId });
    expect(result.errors).toBeUndefined();
    const total = result.data!.estimateCost;
    expect(total).toMatchObject({ documents: 1, pages: 3 });
    expect(part(total, "pipeline.parse").calls).toBe(3);
    // The extracted text is measured (about 4 characters per token), not assumed at 600 tokens per page.
    const chars = (await harness.testApp.app.services().db.prisma.page.findMany({ where: { document: { batchId } }, select: { text: true } })).reduce((sum, page) => sum + (page.text?.length ?? 0), 0);
    expect(chars).toBeGreaterThan(0);
    expect(part(total, "pipeline.embed").inputTokens).toBe(Math.ceil((Math.ceil(chars / 4) * 512) / 448));

    const foreign = await estimate(`batchId: $b`, { b: batchId }, other);
    expect(foreign.errors![0]!.extensions).toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses ambiguous or bad input with a clear message", async () => {
    const both = await estimate(`prompts: [{prompt: "x"}], documents: $d`, { d: [{ pages: 1 }] });
    expect(both.errors![0]).toMatchObject({ message: "give exactly one of prompts, documents and batchId", extensions: { code: "BAD_USER_INPUT" } });
    const bad = await estimate(`documents: $d`, { d: [{ pages: 0 }, { pages: 2, widthPx: 100 }] });
    expect(bad.errors![0]!.message).toBe("documents[0]: pages must be at least 1; documents[1]: give both widthPx and heightPx, or neither");
  });
});
