import { describe, expect, it, vi } from "vitest";
import { generateBatch } from "../../../src/generation/generate-batch-service.ts";
import { streamGenerateBatch } from "../../../src/generation/generate-batch-stream.ts";
import type { BatchEvent } from "../../../src/generation/generate-batch-stream.ts";
import type { FieldResponse, FormFieldInput } from "../../../src/generation/form-field-types.ts";
import { GenerationInputError } from "../../../src/generation/generation-input-error.ts";
import { ProviderError } from "../../../src/providers/provider-types.ts";
import { createFakeGateway, promptField } from "./fake-gateway.ts";

const creative = (n: number): FormFieldInput[] =>
  Array.from({ length: n }, (_, i) => ({ id: `q${i}`, label: `Why would question ${i} matter to you?`, type: "TEXTAREA" as const }));
const profile = { name: "Ada Lovelace", email: "ada@example.com", country: "United Kingdom" };
const context = { company: "Acme", role: "Engineer" };

describe("generateBatch", () => {
  it("returns responses in input order whatever the completion order", async () => {
    const gateway = createFakeGateway({
      latencyMs: () => Math.floor(Math.random() * 25),
      answer: (request) => `answer to ${promptField(request).label}`,
    });
    const fields = creative(24);
    const done: number[] = [];
    const result = await generateBatch({ gateway }, { fields, profile, context, maxParallel: 6 }, { onFieldDone: (index) => void done.push(index) });
    expect(result.responses.map((response) => response.fieldId)).toEqual(fields.map((field) => field.id));
    result.responses.forEach((response, i) => expect(response.value).toBe(`answer to ${fields[i]!.label}`));
    expect([...done].sort((a, b) => a - b)).toEqual(fields.map((_, i) => i));
  });

  it("never has more than maxParallel calls in flight, and uses them all", async () => {
    for (const maxParallel of [1, 3, 7]) {
      // Long enough calls that Bottleneck (which yields via setTimeout(0) several times per job) fills every slot.
      const gateway = createFakeGateway({ latencyMs: () => 40 + Math.floor(Math.random() * 20) });
      await generateBatch({ gateway }, { fields: creative(3 * maxParallel), maxParallel });
      expect(gateway.maxInFlight).toBe(maxParallel);
    }
  });

  it("answers EXTRACTED fields from the profile without calling the gateway", async () => {
    const gateway = createFakeGateway();
    const fields: FormFieldInput[] = [
      { id: "first", label: "First name", type: "TEXT" },
      { id: "email", label: "Email", type: "EMAIL" },
      { id: "country", label: "Country", type: "SELECT", options: ["France", "United Kingdom"] },
    ];
    const result = await generateBatch({ gateway }, { fields, profile });
    expect(gateway.calls).toHaveLength(0);
    expect(result.responses.map((response) => [response.source, response.value])).toEqual([
      ["EXTRACTED", "Ada"],
      ["EXTRACTED", "ada@example.com"],
      ["EXTRACTED", "United Kingdom"],
    ]);
    expect(result.summary).toMatchObject({ extractedCount: 3, totalTokens: 0, totalCostUsd: 0, parallelEfficiency: 0 });
  });

  it("reports CACHED when the gateway's cache answers a repeated question", async () => {
    const gateway = createFakeGateway({ cache: true, latencyMs: 5 });
    const input = { fields: creative(2), profile, context };
    const first = await generateBatch({ gateway }, input);
    const second = await generateBatch({ gateway }, input);
    expect(first.responses.map((response) => response.source)).toEqual(["GENERATED", "GENERATED"]);
    expect(second.responses.map((response) => [response.source, response.cached])).toEqual([["CACHED", true], ["CACHED", true]]);
    expect(second.summary.cachedCount).toBe(2);
  });

  it("fails only the fields whose calls fail", async () => {
    const warn = vi.fn();
    const gateway = createFakeGateway({
      fail: (request) => {
        const label = promptField(request).label;
        if (label.includes("question 1 ")) return new ProviderError("PROVIDER_RATE_LIMITED", "Rate limited by the provider");
        if (label.includes("question 3 ")) return new Error("secret internal detail");
        return null;
      },
    });
    const result = await generateBatch({ gateway, logger: { warn } }, { fields: creative(5) });
    expect(result.responses.map((response) => response.source)).toEqual(["GENERATED", "FAILED", "GENERATED", "FAILED", "GENERATED"]);
    expect(result.responses[1]?.error).toEqual({ code: "PROVIDER_RATE_LIMITED", message: "Rate limited by the provider" });
    expect(result.responses[3]?.error).toEqual({ code: "GENERATION_FAILED", message: "The model call failed unexpectedly" });
    expect(warn).toHaveBeenCalledOnce();
    expect(result.summary).toMatchObject({ failedCount: 2, generatedCount: 3 });
  });

  it("always puts an option in a SELECT and keeps text within maxLength", async () => {
    const gateway = createFakeGateway({
      answer: (request) => (promptField(request).type === "SELECT" ? "I'd say mostly remote-ish" : "word ".repeat(200)),
    });
    const fields: FormFieldInput[] = [
      { id: "mode", label: "Preferred work mode", type: "SELECT", options: ["On-site", "Hybrid", "Remote"] },
      { id: "pitch", label: "Pitch yourself", type: "TEXTAREA", maxLength: 42 },
    ];
    const { responses } = await generateBatch({ gateway }, { fields });
    expect(responses[0]?.value).toBe("Remote");
    expect(responses[1]!.value.length).toBeLessThanOrEqual(42);
    expect(responses[1]?.value.endsWith("word")).toBe(true);
  });

  it("fails a field whose answer does not fit its type", async () => {
    const gateway = createFakeGateway({ answer: () => "I cannot share that" });
    const { responses } = await generateBatch({ gateway }, { fields: [{ id: "p", label: "Referrer phone", type: "PHONE" }] });
    expect(responses[0]).toMatchObject({ source: "FAILED", value: "", error: { code: "INVALID_ANSWER" }, tokens: 120 });
  });

  it("attributes calls and passes model overrides", async () => {
    const gateway = createFakeGateway();
    await generateBatch({ gateway }, { fields: creative(1) }, { userId: "u1", subjectId: "run1", model: "m", provider: "anthropic" });
    expect(gateway.calls[0]).toMatchObject({ purpose: "generation.field", userId: "u1", subjectId: "run1", model: "m", provider: "anthropic" });
  });

  it("validates before calling the model", async () => {
    const gateway = createFakeGateway();
    await expect(generateBatch({ gateway }, { fields: [] })).rejects.toBeInstanceOf(GenerationInputError);
    expect(gateway.calls).toHaveLength(0);
  });

  it("summarises tokens, cost and an honest parallel efficiency", async () => {
    const gateway = createFakeGateway({ latencyMs: 150, usage: { inputTokens: 10, outputTokens: 5 }, costUsd: 0.002 });
    const fields = [...creative(10), { id: "e", label: "Email", type: "EMAIL" as const }];
    // Fake timers and an injected clock: ten 150 ms calls, five at a time, are two full waves.
    vi.useFakeTimers();
    try {
      const pending = generateBatch({ gateway, now: () => Date.now() }, { fields, profile, maxParallel: 5 });
      await vi.runAllTimersAsync();
      const { summary } = await pending;
      expect(summary).toMatchObject({ totalFields: 11, extractedCount: 1, generatedCount: 10, totalTokens: 150, totalCostUsd: 0.02 });
      expect(summary.totalTimeMs).toBe(300);
      expect(summary.parallelEfficiency).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("stops outstanding work when aborted", async () => {
    const controller = new AbortController();
    // Calls that would take an hour; the batch is aborted once both parallel slots are busy, so
    // only an abort that really stops the calls lets this test finish.
    const gateway = createFakeGateway({
      latencyMs: () => {
        if (gateway.calls.length === 2) queueMicrotask(() => controller.abort());
        return 3_600_000;
      },
    });
    const pending = generateBatch({ gateway }, { fields: [...creative(6), { id: "e", label: "Email", type: "EMAIL" }], profile, maxParallel: 2 }, { signal: controller.signal });
    const result = await pending;
    expect(gateway.calls).toHaveLength(2);
    expect(result.responses.slice(0, 6).every((response) => response.error?.code === "ABORTED")).toBe(true);
    expect(result.responses[6]).toMatchObject({ source: "EXTRACTED", value: "ada@example.com" });
  });

  it("rethrows an error from onFieldDone after the batch finished", async () => {
    const gateway = createFakeGateway();
    const seen: number[] = [];
    const onFieldDone = (index: number) => {
      seen.push(index);
      if (index === 0) throw new Error("subscriber gone");
    };
    await expect(generateBatch({ gateway }, { fields: creative(3) }, { onFieldDone })).rejects.toThrow("subscriber gone");
    expect(seen).toHaveLength(3);
  });
});

describe("streamGenerateBatch", () => {
  it("yields each field as it finishes, then the summary", async () => {
    const gateway = createFakeGateway({ latencyMs: () => Math.floor(Math.random() * 10) });
    const events: BatchEvent[] = [];
    for await (const event of streamGenerateBatch({ gateway }, { fields: creative(5) })) events.push(event);
    expect(events).toHaveLength(6);
    expect(events.at(-1)?.kind).toBe("summary");
    const indexes = events.flatMap((event) => (event.kind === "field" ? [event.index] : []));
    expect(indexes.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it("aborts outstanding calls when the consumer stops", async () => {
    // The other calls would take an hour: only aborting them lets the test end.
    const gateway = createFakeGateway({ latencyMs: (request) => (promptField(request).label.includes("question 0 ") ? 1 : 3_600_000) });
    let first: FieldResponse | undefined;
    for await (const event of streamGenerateBatch({ gateway }, { fields: creative(4), maxParallel: 4 })) {
      if (event.kind === "field") first = event.response;
      break;
    }
    expect(first?.fieldId).toBe("q0");
    expect(gateway.inFlight).toBe(0);
  });

  it("throws validation errors from the first next()", async () => {
    const stream = streamGenerateBatch({ gateway: createFakeGateway() }, { fields: [] });
    await expect(stream.next()).rejects.toBeInstanceOf(GenerationInputError);
  });
});
