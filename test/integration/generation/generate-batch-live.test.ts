import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { lastUserText, openaiErrors } from "../../helpers/fake-llm-server.ts";
import { chatRequests, creativeFields, formContext, profile, RESPONSE_FIELDS, startGenerationHarness, SUMMARY_FIELDS } from "./generation-support.ts";
import type { FieldResponseView, GenerationHarness, SummaryView } from "./generation-support.ts";

const LIVE = `subscription ($fields: [FormFieldInput!]!, $profile: JSON, $context: JSON, $maxParallel: Int) {
  generateBatchLive(fields: $fields, profile: $profile, context: $context, maxParallel: $maxParallel) {
    kind index response { ${RESPONSE_FIELDS} } summary { ${SUMMARY_FIELDS} } } }`;

interface LiveEvent {
  kind: "FIELD" | "SUMMARY";
  index: number | null;
  response: FieldResponseView | null;
  summary: SummaryView | null;
}

describe("generateBatchLive over graphql-ws", () => {
  let harness: GenerationHarness;

  beforeAll(async () => {
    harness = await startGenerationHarness({ listen: true });
  });
  afterAll(async () => {
    await harness.close();
  });
  beforeEach(() => {
    harness.fake.reset();
  });

  async function collect(variables: Record<string, unknown>, onEvent: (event: LiveEvent) => void = () => undefined): Promise<{ events: LiveEvent[] }> {
    const events: LiveEvent[] = [];
    for await (const result of harness.ws().iterate({ query: LIVE, variables })) {
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      const event = (result.data as { generateBatchLive: LiveEvent }).generateBatchLive;
      events.push(event);
      onEvent(event);
    }
    return { events };
  }

  it("streams every field as it finishes, then the summary, then completes", async () => {
    // The model answers the calls in the reverse of input order, one answer released only once
    // the previous field reached the client: were fields delivered at the end instead of
    // streamed, nothing after the first answer would be released and the test would time out.
    const answerOrder = [5, 4, 2, 1, 0];
    const release = new Map(answerOrder.map((index) => [index, Promise.withResolvers<void>()]));
    harness.fake.respond = (request) => {
      const index = Number(/challenge (\d+) /.exec(lastUserText(request.body))?.[1] ?? 0);
      return index === 3 ? openaiErrors.badRequest() : { until: release.get(index)!.promise };
    };
    const fields = [...creativeFields(6, "live"), { id: "email", label: "Email", type: "EMAIL" }];
    let released = 0;
    const releaseNext = () => release.get(answerOrder[released++]!)?.resolve();
    const { events } = await collect({ fields, profile, context: formContext, maxParallel: 6 }, (event) => {
      // EXTRACTED first, then the failure: from then on, each field releases the next answer.
      if (event.kind === "FIELD" && event.response!.source !== "EXTRACTED") releaseNext();
    });

    expect(events).toHaveLength(fields.length + 1);
    const fieldEvents = events.slice(0, -1);
    expect(fieldEvents.every((event) => event.kind === "FIELD" && event.summary === null)).toBe(true);
    expect(fieldEvents.map((event) => event.index).sort((a, b) => a! - b!)).toEqual(fields.map((_, index) => index));
    for (const event of fieldEvents) expect(event.response!.fieldId).toBe(fields[event.index!]!.id);
    // EXTRACTED first, then the failure (the only call answered at once), then the calls in completion order.
    expect(fieldEvents.map((event) => event.response!.fieldId)).toEqual(["email", "live-3", "live-5", "live-4", "live-2", "live-1", "live-0"]);
    expect(fieldEvents[1]!.response).toMatchObject({ source: "FAILED", error: { code: "PROVIDER_BAD_REQUEST" } });

    const last = events.at(-1)!;
    expect(last).toMatchObject({ kind: "SUMMARY", index: null, response: null });
    expect(last.summary).toMatchObject({ totalFields: 7, extractedCount: 1, generatedCount: 5, failedCount: 1 });
    expect(chatRequests(harness.fake)).toHaveLength(6);
  });

  it("answers invalid input with BAD_USER_INPUT on the operation, not a broken socket", async () => {
    const client = harness.ws();
    const errors = await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query: LIVE, variables: { fields: [{ id: "x", label: "Office", type: "SELECT" }] } },
        { next: (value) => resolve(value.errors), error: resolve, complete: () => resolve(undefined) },
      );
    });
    expect(JSON.stringify(errors)).toContain('Field \\"x\\": SELECT fields need at least one option');
    expect(JSON.stringify(errors)).toContain("BAD_USER_INPUT");
    expect(harness.fake.requests).toHaveLength(0);
    // The same socket still works.
    harness.fake.reset();
    const { events } = await collect({ fields: creativeFields(1, "after-error"), profile });
    expect(events.map((event) => event.kind)).toEqual(["FIELD", "SUMMARY"]);
  });

  it("cancels the outstanding calls when the client unsubscribes", async () => {
    harness.fake.latencyMs = 5_000;
    const client = harness.ws();
    let unsubscribe: () => void = () => undefined;
    await new Promise<void>((resolve) => {
      unsubscribe = client.subscribe({ query: LIVE, variables: { fields: creativeFields(3, "cancel"), profile, maxParallel: 3 } }, {
        next: () => undefined,
        error: () => undefined,
        complete: () => undefined,
      });
      const poll = setInterval(() => {
        if (harness.fake.inFlight === 3) {
          clearInterval(poll);
          resolve();
        }
      }, 10);
    });
    unsubscribe();
    await vi.waitUntil(() => harness.fake.inFlight === 0, { timeout: 10_000, interval: 20 });
    expect(harness.fake.requests.every((request) => request.aborted)).toBe(true);
    harness.fake.latencyMs = 0;
  });
});
