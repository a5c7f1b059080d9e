import { randomUUID } from "node:crypto";
import { benchmarkModels } from "../generation/index.ts";
import type { ModelBenchmark } from "../generation/index.ts";
import { builder } from "./builder.ts";
import { CallErrorRef, withInputErrors } from "./generation-errors.ts";

const ModelBenchmarkRef = builder.objectRef<ModelBenchmark>("ModelBenchmark").implement({
  description: "One model's figures. Latencies cover successful runs only and are null when none succeeded.",
  fields: (t) => ({
    model: t.exposeString("model"),
    runs: t.exposeInt("runs"),
    successes: t.exposeInt("successes"),
    errors: t.field({ type: [CallErrorRef], resolve: (benchmark) => benchmark.errors }),
    meanLatencyMs: t.float({ nullable: true, resolve: (benchmark) => benchmark.meanLatencyMs }),
    p50LatencyMs: t.float({ nullable: true, resolve: (benchmark) => benchmark.p50LatencyMs }),
    p95LatencyMs: t.float({ nullable: true, resolve: (benchmark) => benchmark.p95LatencyMs }),
    tokensPerSecond: t.exposeFloat("tokensPerSecond", { description: "Output tokens of successful runs per second of their latency." }),
    totalCostUsd: t.exposeFloat("totalCostUsd"),
  }),
});

builder.mutationField("benchmarkModels", (t) =>
  t.field({
    type: [ModelBenchmarkRef],
    description:
      "Sends the same prompt to each model (at most 10) `runs` times (1..10), bypassing the response cache. Models run concurrently, each model's runs one after another. In input order.",
    args: {
      models: t.arg.stringList({ required: true }),
      prompt: t.arg.string({ required: true }),
      runs: t.arg.int({ defaultValue: 3 }),
    },
    resolve: (_root, args, context) =>
      withInputErrors(() =>
        benchmarkModels({ gateway: context.services().gateway, logger: context.logger }, args.models, args.prompt, {
          runs: args.runs ?? undefined,
          userId: context.viewer().userId,
          subjectId: randomUUID(),
        }),
      ),
  }),
);
