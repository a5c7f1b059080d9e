import { createClient, type Client } from "graphql-ws";
import type { BatchSummary } from "../../../src/generation/form-field-types.ts";
import WebSocket from "ws";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { startFakeLlmServer, type FakeLlmServer } from "../../helpers/fake-llm-server.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";

/** An app whose real ModelGateway talks HTTP to a fake provider, plus a user with a key. */
export interface GenerationHarness {
  testApp: TestApp;
  fake: FakeLlmServer;
  user: TestUserWithKey;
  /** http://127.0.0.1:<port> when started with listen: true. */
  baseUrl: string;
  /** A graphql-ws client for `user` (listen: true only); disposed by close(). */
  ws(connectionParams?: Record<string, unknown>): Client;
  close(): Promise<void>;
}

/** Starts the fake provider and an app configured for it (openai by default). */
export async function startGenerationHarness(
  options: {
    provider?: "openai" | "anthropic";
    listen?: boolean;
    env?: Record<string, string>;
    latencyMs?: number;
    /** Configure Anthropic as well (on the same fake) while openai stays the default provider. */
    anthropicToo?: boolean;
  } = {},
): Promise<GenerationHarness> {
  const fake = await startFakeLlmServer({ latencyMs: options.latencyMs ?? 0 });
  const providerEnv: Record<string, string> =
    options.provider === "anthropic"
      ? { LLM_PROVIDER: "anthropic", ANTHROPIC_BASE_URL: fake.anthropicBaseUrl, ANTHROPIC_API_KEY: "sk-ant-test-key" }
      : {
          LLM_PROVIDER: "openai",
          OPENAI_BASE_URL: fake.openaiBaseUrl,
          OPENAI_API_KEY: "sk-test-key",
          ...(options.anthropicToo ? { ANTHROPIC_BASE_URL: fake.anthropicBaseUrl, ANTHROPIC_API_KEY: "sk-ant-test-key" } : {}),
        };
  const testApp = await startTestApp({
    listen: options.listen ?? false,
    env: { QUIRE_USER_RPM: "100000", LLM_TIMEOUT_MS: "20000", ...providerEnv, ...options.env },
  });
  const user = await createTestUserWithKey(testApp.app.services().db.prisma);
  const address = testApp.app.address();
  const baseUrl = address ? `http://127.0.0.1:${address.port}` : "";
  const clients: Client[] = [];
  return {
    testApp,
    fake,
    user,
    baseUrl,
    ws(connectionParams = user.connectionParams) {
      const client = createClient({ url: `${baseUrl.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0 });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) await client.dispose();
      await testApp.close();
      await fake.close();
    },
  };
}

/** An applicant profile the extractor understands. */
export const profile = {
  firstName: "Ada",
  lastName: "Lovelace",
  email: "ada@example.com",
  phone: "+44 20 7946 0958",
  location: "London, United Kingdom",
  work: [{ company: "Analytical Engines Ltd", title: "Lead Programmer" }],
  skills: ["TypeScript", "PostgreSQL"],
};

export const formContext = { company: "Acme", role: "Senior Engineer", description: "Forms, fast." };

/** Open questions: never extractable, so each costs one model call (or a cache hit). */
export function creativeFields(count: number, tag: string): { id: string; label: string; type: "TEXTAREA"; maxLength: number }[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `${tag}-${index}`,
    label: `Why does challenge ${index} (${tag}) at Acme motivate you?`,
    type: "TEXTAREA" as const,
    maxLength: 2000,
  }));
}

export const RESPONSE_FIELDS = "fieldId value source cached tokens costUsd latencyMs error { code message } notes";
export const SUMMARY_FIELDS =
  "totalFields totalTokens totalCostUsd cachedCount extractedCount generatedCount failedCount totalTimeMs parallelEfficiency";

export const GENERATE_BATCH = `mutation ($fields: [FormFieldInput!]!, $profile: JSON, $context: JSON, $maxParallel: Int) {
  generateBatch(fields: $fields, profile: $profile, context: $context, maxParallel: $maxParallel) {
    runId responses { ${RESPONSE_FIELDS} } summary { ${SUMMARY_FIELDS} } } }`;

export interface FieldResponseView {
  fieldId: string;
  value: string;
  source: string;
  cached: boolean;
  tokens: number;
  costUsd: number;
  latencyMs: number;
  error: { code: string; message: string } | null;
  notes: string[];
}

/** The summary as GraphQL returns it: exactly the service's BatchSummary. */
export type SummaryView = BatchSummary;

export interface GenerateBatchView {
  runId: string;
  responses: FieldResponseView[];
  summary: SummaryView;
}

/** Runs generateBatch for `user`; throws on GraphQL errors. */
export async function generate(harness: GenerationHarness, variables: Record<string, unknown>): Promise<GenerateBatchView> {
  const result = await harness.testApp.graphql<{ generateBatch: GenerateBatchView }>(GENERATE_BATCH, variables, harness.user.headers);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.generateBatch;
}

/** The chat requests (not embeddings) the fake provider received. */
export function chatRequests(fake: FakeLlmServer) {
  return fake.requests.filter((request) => request.path === "/v1/chat/completions" || request.path === "/v1/messages");
}
