/**
 * With a model configured, the names the heuristics leave ambiguous (close in spelling, not
 * close enough to join) go to the model over real HTTP (a fake OpenAI-compatible server); a
 * valid structured answer settles them, and an invalid answer or a provider failure leaves the
 * local clustering as the result. The mentions are written as the CITATIONS stage writes them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../../src/db/prisma-client.ts";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { lastUserText, openaiErrors, startFakeLlmServer, type FakeLlmServer } from "../../helpers/fake-llm-server.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";

const CLUSTERS = `query ($id: ID!) { entityClusters(batchId: $id, first: 20) { name aliases confidence documents { filename } } }`;

function chatAnswer(content: string) {
  return {
    body: {
      id: "chatcmpl-entities",
      object: "chat.completion",
      created: 0,
      model: "fake",
      choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop", logprobs: null }],
      usage: { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70 },
    },
  };
}

describe("entity pairs settled by a configured model", () => {
  let fake: FakeLlmServer;
  let testApp: TestApp;
  let prisma: PrismaClient;
  let owner: TestUserWithKey;

  /** A finished batch of two documents, each naming one of `names` three times on page 1. */
  const batchNaming = async (names: [string, string]) => {
    const batch = await prisma.batchJob.create({ data: { userId: owner.userId } });
    for (const [index, text] of names.entries()) {
      const document = await prisma.documentJob.create({
        data: { batchId: batch.id, userId: owner.userId, filename: `paper-${index}.pdf`, sizeBytes: 1, sha256: `${batch.id}-${index}`, status: "COMPLETED" },
      });
      await prisma.checkpoint.create({ data: { documentId: document.id, stage: "CITATIONS", status: "COMPLETED", attempt: 1 } });
      await prisma.entityMention.create({ data: { documentId: document.id, batchId: batch.id, page: 1, text, kind: "ALGORITHM", count: 3 } });
    }
    return batch.id;
  };
  const clusters = async (batchId: string) => {
    const result = await testApp.graphql<{ entityClusters: { name: string; aliases: string[]; confidence: number; documents: { filename: string }[] }[] }>(
      CLUSTERS,
      { id: batchId },
      owner.headers,
    );
    expect(result.errors).toBeUndefined();
    return result.data!.entityClusters.map((cluster) => ({ names: [cluster.name, ...cluster.aliases].sort(), confidence: cluster.confidence }));
  };
  const asked = (name: string) => fake.requests.filter((request) => request.path === "/v1/chat/completions" && lastUserText(request.body).includes(name));

  beforeAll(async () => {
    fake = await startFakeLlmServer();
    testApp = await startTestApp({ env: { LLM_PROVIDER: "openai", OPENAI_BASE_URL: fake.openaiBaseUrl, OPENAI_API_KEY: "sk-test-entities", QUIRE_USER_RPM: "100000" } });
    prisma = testApp.app.services().db.prisma;
    owner = await createTestUserWithKey(prisma);
    fake.respond = (request) => {
      const prompt = lastUserText(request.body);
      if (prompt.includes("Analytical Hierarchy Process")) {
        const [a, b] = prompt.indexOf("Analytical Hierarchical Process") < prompt.indexOf("Analytical Hierarchy Process")
          ? ["Analytical Hierarchical Process", "Analytical Hierarchy Process"]
          : ["Analytical Hierarchy Process", "Analytical Hierarchical Process"];
        return chatAnswer(JSON.stringify({ decisions: [{ a, b, same: true, confidence: 0.8 }] }));
      }
      if (prompt.includes("Hidden Markov Modeling")) return chatAnswer("They look like the same thing to me.");
      if (prompt.includes("Semantic Scholar Corpora")) return openaiErrors.invalidKey("sk-test-entities");
      return undefined;
    };
  });
  afterAll(async () => {
    await testApp?.close();
    await fake?.close();
  });

  it("joins an ambiguous pair the model's validated answer calls one entity, with the model's confidence", async () => {
    const batchId = await batchNaming(["Analytical Hierarchical Process", "Analytical Hierarchy Process"]);
    expect(await clusters(batchId)).toEqual([{ names: ["Analytical Hierarchical Process", "Analytical Hierarchy Process"], confidence: 0.8 }]);
    expect(asked("Analytical Hierarchy Process")).toHaveLength(1);
    // The names travel as data inside the prompt's document tags, never as instructions.
    expect(lastUserText(asked("Analytical Hierarchy Process")[0]!.body)).toMatch(/^<document[^>]*>[\s\S]*"reason":"similar"[\s\S]*<\/document>$/);
    const ledger = await prisma.providerCall.findMany({ where: { subjectId: batchId } });
    expect(ledger.map((call) => call.purpose)).toEqual(["research.entities"]);
  });

  it("keeps the local clustering when the model's answer is not the JSON asked for, after asking once more", async () => {
    const batchId = await batchNaming(["Hidden Markov Model", "Hidden Markov Modeling"]);
    expect(await clusters(batchId)).toEqual([
      { names: ["Hidden Markov Model"], confidence: 1 },
      { names: ["Hidden Markov Modeling"], confidence: 1 },
    ]);
    expect(asked("Hidden Markov Modeling")).toHaveLength(2);
  });

  it("keeps the local clustering when the provider fails", async () => {
    const batchId = await batchNaming(["Semantic Scholar Corpus", "Semantic Scholar Corpora"]);
    expect(await clusters(batchId)).toEqual([
      { names: ["Semantic Scholar Corpora"], confidence: 1 },
      { names: ["Semantic Scholar Corpus"], confidence: 1 },
    ]);
    expect(asked("Semantic Scholar Corpora").length).toBeGreaterThanOrEqual(1);
  });
});
