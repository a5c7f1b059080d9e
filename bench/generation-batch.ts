/**
 * Speed of generateBatch's orchestration against a fake gateway whose calls take a fixed time.
 * Run: npx node bench/generation-batch.ts
 * To measure through the real gateway later, replace createBenchGateway with the real one.
 */
import { report as reportAt, wallTime } from "./bench-report.ts";
import { generateBatch } from "../src/generation/generate-batch-service.ts";
import type { FormFieldInput } from "../src/generation/form-field-types.ts";
import type { GenerateRequest, GenerateResult, ModelGateway } from "../src/providers/provider-types.ts";

/** A gateway whose provider calls take `latencyMs`, with a response cache like the real one. */
function createBenchGateway(latencyMs: number): ModelGateway {
  const cache = new Map<string, string>();
  return {
    defaults: () => ({ provider: "openai", model: "bench", embeddingModel: "bench-embed" }),
    embed: () => Promise.reject(new Error("not used")),
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const key = JSON.stringify([request.model, request.messages]);
      const base = { provider: "openai" as const, model: "bench", callId: "bench" };
      const hit = request.cache !== "bypass" ? cache.get(key) : undefined;
      if (hit !== undefined) {
        return { ...base, text: hit, usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 }, costUsd: 0, latencyMs: 0, cached: true };
      }
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      const text = "I am excited by the mission and would bring careful engineering to the team.";
      cache.set(key, text);
      return { ...base, text, usage: { inputTokens: 400, outputTokens: 40, cachedInputTokens: 0 }, costUsd: 0.0004, latencyMs, cached: false };
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

function creativeFields(count: number, tag: string): FormFieldInput[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${tag}-${i}`,
    label: `Why does challenge ${i} (${tag}) at Acme motivate you?`,
    type: "TEXTAREA" as const,
    maxLength: 600,
  }));
}



const report = (name: string, value: number, unit: string, target: number) => reportAt(name, value, unit, target, 52);
const results: boolean[] = [];

{
  const gateway = createBenchGateway(2000);
  const ms = await wallTime(() => generateBatch({ gateway }, { fields: creativeFields(10, "a"), profile, context, maxParallel: 5 }));
  results.push(report("10 creative fields, 2 s calls, maxParallel 5", ms, "ms", 4500));
}
{
  const gateway = createBenchGateway(2000);
  let efficiency = 0;
  const ms = await wallTime(async () => {
    const { summary } = await generateBatch({ gateway }, { fields: creativeFields(20, "b"), profile, context, maxParallel: 5 });
    efficiency = summary.parallelEfficiency;
  });
  results.push(report("20 creative fields, 2 s calls, maxParallel 5", ms, "ms", 8500));
  console.log(`      parallelEfficiency reported for that batch: ${efficiency}`);
}
{
  const gateway = createBenchGateway(2000);
  const fields = creativeFields(1, "c");
  await generateBatch({ gateway }, { fields, profile, context });
  const samples: number[] = [];
  for (let i = 0; i < 20; i++) samples.push(await wallTime(() => generateBatch({ gateway }, { fields, profile, context })));
  samples.sort((a, b) => a - b);
  results.push(report("cached field (whole 1-field batch, median of 20)", samples[10]!, "ms", 50));
}
for (const maxParallel of [5, 50]) {
  const gateway = createBenchGateway(0);
  const count = 1000;
  await generateBatch({ gateway }, { fields: creativeFields(50, "warm"), profile, context, maxParallel }, { maxFields: count });
  const ms = await wallTime(() =>
    generateBatch({ gateway }, { fields: creativeFields(count, `d${maxParallel}`), profile, context, maxParallel }, { maxFields: count }),
  );
  results.push(report(`per-field overhead, 0 ms calls, ${count} fields, maxParallel ${maxParallel}`, ms / count, "ms", 5));
}
{
  const gateway = createBenchGateway(0);
  const count = 1000;
  const fields: FormFieldInput[] = Array.from({ length: count }, (_, i) => ({ id: `e${i}`, label: i % 2 ? "Email" : "First name", type: i % 2 ? "EMAIL" : "TEXT" }));
  const ms = await wallTime(() => generateBatch({ gateway }, { fields, profile, context }, { maxFields: count }));
  console.log(`INFO  ${"per EXTRACTED field (1000 fields, no model call)".padEnd(52)} ${(ms / count).toFixed(3).padStart(10)} ms`);
}

console.log(results.every(Boolean) ? "\nAll targets met." : "\nSome targets missed.");
