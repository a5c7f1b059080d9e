/**
 * The form-field targets through the REAL ModelGateway: the app's own gateway (OpenAI SDK over
 * HTTP, limiter, retries, PostgreSQL response cache and call ledger), talking to the fake
 * provider of test/helpers, which answers after a fixed latency. The fake provider runs in a
 * child process, as a real provider would be elsewhere: its own CPU does not count here.
 *
 * Run: npm run bench -- generate
 * Uses a temporary database on DATABASE_URL's server when it is set (created and dropped
 * here), otherwise an embedded PostgreSQL in a temporary directory.
 */
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { buildApp } from "../src/app.ts";
import { emitBenchResult, type BenchFigure } from "./bench-output.ts";
import { report, wallTime } from "./bench-report.ts";
import { createApiKey } from "../src/auth/api-key-service.ts";
import { loadConfig } from "../src/config.ts";
import { generateBatch } from "../src/generation/index.ts";
import type { FormFieldInput } from "../src/generation/index.ts";
import { createLogger } from "../src/logging/logger.ts";
import { createModelGateway } from "../src/providers/model-gateway.ts";
import { providerOptionsFromConfig } from "../src/providers/provider-config.ts";
import { withDatabaseName } from "../test/helpers/database-urls.ts";
import { startFakeLlmServer, type FakeLlmServer } from "../test/helpers/fake-llm-server.ts";
import { InMemoryCache, InMemoryLedger, MemoryLogger } from "../test/unit/providers/in-memory-stores.ts";

const PROVIDER_LATENCY_MS = 2000;

/** Messages between the bench and its fake-provider child. */
type Command = { op: "latency"; ms: number } | { op: "reset" } | { op: "stats" };
interface Stats {
  requests: number;
  maxInFlight: number;
}

/** The fake provider in a child process, driven over IPC. */
async function startFakeProviderProcess() {
  const child: ChildProcess = fork(new URL(import.meta.url).pathname, ["--fake-provider"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const [ready] = (await once(child, "message")) as [{ url: string }];
  const send = async (command: Command): Promise<Stats> => {
    const reply = once(child, "message") as Promise<[Stats]>;
    child.send(command);
    return (await reply)[0];
  };
  return {
    openaiBaseUrl: ready.url,
    latency: (ms: number) => send({ op: "latency", ms }),
    reset: () => send({ op: "reset" }),
    stats: () => send({ op: "stats" }),
    close: async () => {
      const exited = once(child, "exit");
      child.disconnect();
      await exited;
    },
  };
}

const profile = {
  name: "Ada Lovelace",
  email: "ada@example.com",
  phone: "+44 20 7946 0958",
  location: "London, United Kingdom",
  work: [{ company: "Analytical Engines Ltd", title: "Lead Programmer" }],
  skills: ["TypeScript", "PostgreSQL", "GraphQL"],
};
const context = { company: "Acme", role: "Senior Engineer", description: "Build the future of forms." };
const run = randomBytes(4).toString("hex"); // fresh prompts every run: no cache hits from a previous one

function creativeFields(count: number, tag: string): FormFieldInput[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${tag}-${i}`,
    label: `Why does challenge ${i} (${tag}, ${run}) at Acme motivate you?`,
    type: "TEXTAREA" as const,
    maxLength: 4000,
  }));
}



const figures: BenchFigure[] = [];

/** Prints the PASS/FAIL line and keeps the figure for the JSON line and the chart. */
function judged(name: string, value: number, unit: string, target: number): boolean {
  figures.push({ name, value, unit, reference: target, referenceLabel: "target <", higherIsBetter: false });
  return report(name, value, unit, target);
}

async function runBench(): Promise<void> {
  // --- database, fake provider, app ---------------------------------------------------------
  const fake = await startFakeProviderProcess();
  const adminUrl = process.env.DATABASE_URL;
  const benchDatabase = `quire_bench_${randomBytes(4).toString("hex")}`;
  const dataDir = adminUrl ? undefined : await mkdtemp(path.join(os.tmpdir(), "quire-bench-pg-"));
  async function admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
  if (adminUrl) await admin(`CREATE DATABASE "${benchDatabase}"`);
  const config = loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    ...(adminUrl ? { DATABASE_URL: withDatabaseName(adminUrl, benchDatabase) } : { QUIRE_DATA_DIR: dataDir }),
    QUIRE_ROLE: "api",
    QUIRE_MAX_FIELDS: "1000",
    QUIRE_USER_RPM: "100000",
    LLM_PROVIDER: "openai",
    OPENAI_BASE_URL: fake.openaiBaseUrl,
    OPENAI_API_KEY: "sk-bench-key",
  });
  const app = buildApp(config, { logger: createLogger("silent") });
  await app.start({ listen: false });
  const { gateway, db } = app.services();
  const deps = { gateway };
  const { userId, key } = await createApiKey(db.prisma, { userName: "bench", name: "bench" });
  const options = { userId, maxFields: 1000 };
  console.log(
    `Real gateway -> fake OpenAI over HTTP (${fake.openaiBaseUrl}), ${db.embedded ? "embedded PostgreSQL" : "PostgreSQL at DATABASE_URL"}, ` +
      `LLM_MAX_CONCURRENT=${config.providers.maxConcurrent}\n`,
  );

  const results: boolean[] = [];
  try {
    {
      // The process's first model call also loads the tokenizer's ranks (for the gateway's
      // token estimate) and opens connections: a one-off, measured apart from the targets.
      const ms = await wallTime(() => generateBatch(deps, { fields: creativeFields(1, "cold"), profile, context }, options));
      console.log(`INFO  ${"first call of the process (one field, cold start)".padEnd(60)} ${ms.toFixed(2).padStart(10)} ms`);
    }
    {
      await fake.reset();
      const ms = await wallTime(() => generateBatch(deps, { fields: creativeFields(10, "a"), profile, context, maxParallel: 5 }, options));
      results.push(judged(`10 creative fields, ${PROVIDER_LATENCY_MS} ms provider, maxParallel 5`, ms, "ms", 4500));
      const stats = await fake.stats();
      console.log(`      provider requests: ${stats.requests}, most in flight: ${stats.maxInFlight}`);
    }
    {
      await fake.reset();
      let efficiency = 0;
      const ms = await wallTime(async () => {
        const { summary } = await generateBatch(deps, { fields: creativeFields(20, "b"), profile, context, maxParallel: 5 }, options);
        efficiency = summary.parallelEfficiency;
      });
      results.push(judged(`20 creative fields, ${PROVIDER_LATENCY_MS} ms provider, maxParallel 5`, ms, "ms", 8500));
      const stats = await fake.stats();
      console.log(`      provider requests: ${stats.requests}, most in flight: ${stats.maxInFlight}, parallelEfficiency: ${efficiency}`);
    }
    {
      const fields = creativeFields(1, "c");
      await generateBatch(deps, { fields, profile, context }, options);
      await fake.reset();
      const samples: number[] = [];
      for (let i = 0; i < 20; i++) samples.push(await wallTime(() => generateBatch(deps, { fields, profile, context }, options)));
      samples.sort((a, b) => a - b);
      results.push(judged("cached field (whole 1-field batch, median of 20)", samples[10]!, "ms", 50));
      console.log(`      provider requests during the 20 runs: ${(await fake.stats()).requests}; p95 ${samples[18]!.toFixed(2)} ms`);
    }
    {
      // The same cached field as a GraphQL mutation through Yoga (parse, validate, auth, quota).
      const query = `mutation ($fields: [FormFieldInput!]!, $profile: JSON, $context: JSON) {
        generateBatch(fields: $fields, profile: $profile, context: $context) { responses { source } } }`;
      const post = () =>
        app.yoga.fetch("http://bench/graphql", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
          body: JSON.stringify({ query, variables: { fields: creativeFields(1, "c"), profile, context } }),
        });
      await (await post()).json();
      const samples: number[] = [];
      for (let i = 0; i < 20; i++) samples.push(await wallTime(async () => (await post()).json()));
      samples.sort((a, b) => a - b);
      console.log(`INFO  ${"cached field through GraphQL (median of 20)".padEnd(60)} ${samples[10]!.toFixed(2).padStart(10)} ms`);
    }
    await fake.latency(0);
    for (const maxParallel of [5, 50]) {
      const count = 1000;
      await generateBatch(deps, { fields: creativeFields(50, `warm${maxParallel}`), profile, context, maxParallel }, options);
      await fake.reset();
      const ms = await wallTime(() =>
        generateBatch(deps, { fields: creativeFields(count, `d${maxParallel}`), profile, context, maxParallel }, options),
      );
      results.push(judged(`per-field overhead, 0 ms provider, ${count} fields, maxParallel ${maxParallel}`, ms / count, "ms", 5));
      const stats = await fake.stats();
      console.log(`      provider requests: ${stats.requests}, most in flight: ${stats.maxInFlight}`);
    }
    {
      // Where the per-field time goes: the same gateway with its cache and ledger in memory
      // (no PostgreSQL round trips), so the rest is SDK + HTTP + the gateway's own work.
      const memoryGateway = createModelGateway({
        options: providerOptionsFromConfig(config),
        cache: new InMemoryCache(),
        ledger: new InMemoryLedger(),
        logger: new MemoryLogger(),
      });
      try {
        for (const maxParallel of [5, 50]) {
          const count = 1000;
          const memoryDeps = { gateway: memoryGateway };
          await generateBatch(memoryDeps, { fields: creativeFields(50, `mwarm${maxParallel}`), profile, context, maxParallel }, options);
          const ms = await wallTime(() =>
            generateBatch(memoryDeps, { fields: creativeFields(count, `m${maxParallel}`), profile, context, maxParallel }, options),
          );
          console.log(`INFO  ${`  same, cache + ledger in memory, maxParallel ${maxParallel}`.padEnd(60)} ${(ms / count).toFixed(2).padStart(10)} ms`);
        }
      } finally {
        await memoryGateway.close();
      }
    }
  } finally {
    await app.stop();
    await fake.close();
    if (adminUrl) await admin(`DROP DATABASE IF EXISTS "${benchDatabase}" WITH (FORCE)`);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }

  console.log(results.every(Boolean) ? "\nAll targets met." : "\nSome targets missed.");
  await emitBenchResult("generate", figures, { providerLatencyMs: PROVIDER_LATENCY_MS });
}

if (process.argv[2] === "--fake-provider") {
  // Child mode: serve the fake provider and obey the parent's commands.
  const server: FakeLlmServer = await startFakeLlmServer({ latencyMs: PROVIDER_LATENCY_MS });
  process.on("message", (command: Command) => {
    if (command.op === "latency") server.latencyMs = command.ms;
    if (command.op === "reset") server.reset();
    process.send!({ requests: server.requests.length, maxInFlight: server.maxInFlight } satisfies Stats);
  });
  process.on("disconnect", () => void server.close().then(() => process.exit(0)));
  process.send!({ url: server.openaiBaseUrl });
} else {
  await runBench();
}
