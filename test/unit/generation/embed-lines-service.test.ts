import { describe, expect, it } from "vitest";
import { embedLines } from "../../../src/generation/embed-lines-service.ts";
import type { EmbeddedLine, EmbedProgress } from "../../../src/generation/embed-lines-service.ts";
import { ProviderError } from "../../../src/providers/provider-types.ts";
import { createFakeGateway } from "./fake-gateway.ts";

async function* linesOf(lines: string[], onRead?: (count: number) => void): AsyncGenerator<string> {
  for (const [i, line] of lines.entries()) {
    onRead?.(i + 1);
    await Promise.resolve();
    yield line;
  }
}

describe("embedLines", () => {
  it("skips empty lines and sinks every result in file order with its line number", async () => {
    const gateway = createFakeGateway({ embedLatencyMs: 1 });
    const sunk: EmbeddedLine[] = [];
    const progress: EmbedProgress[] = [];
    const lines = ["alpha", "", "beta", "   ", "gamma", "delta", "epsilon"];
    const stats = await embedLines({ gateway }, linesOf(lines), {
      batchSize: 2,
      sink: (line) => void sunk.push(line),
      onProgress: (p) => void progress.push(p),
    });
    expect(sunk.map((line) => [line.lineNumber, line.text])).toEqual([[1, "alpha"], [3, "beta"], [5, "gamma"], [6, "delta"], [7, "epsilon"]]);
    expect(sunk.every((line) => line.vector !== null && line.error === null)).toBe(true);
    expect(stats).toMatchObject({ batches: 3, texts: 5, failures: 0 });
    expect(progress.at(-1)).toMatchObject({ linesRead: 7, embedded: 5, failed: 0, batches: 3 });
  });

  it("keeps order under random latencies and never reads far ahead of the sink", async () => {
    const gateway = createFakeGateway({ embedLatencyMs: 0 });
    const slowGateway = {
      ...gateway,
      embed: async (request: Parameters<typeof gateway.embed>[0]) => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 15));
        return gateway.embed(request);
      },
    };
    let read = 0;
    let maxAhead = 0;
    const sunk: number[] = [];
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i + 1}`);
    await embedLines({ gateway: slowGateway }, linesOf(lines, (count) => (read = count)), {
      batchSize: 5,
      maxConcurrent: 3,
      sink: (line) => {
        sunk.push(line.lineNumber);
        maxAhead = Math.max(maxAhead, read - line.lineNumber);
      },
    });
    expect(sunk).toEqual(lines.map((_, i) => i + 1));
    // At most maxConcurrent + 1 batches in flight plus the one being filled.
    expect(maxAhead).toBeLessThanOrEqual(5 * (3 + 2));
    expect(gateway.maxEmbedInFlight).toBeLessThanOrEqual(3);
  });

  it("fails over-long lines and failed batches individually", async () => {
    const gateway = createFakeGateway({
      embedFail: (request) => (request.inputs.includes("boom") ? new ProviderError("PROVIDER_UNAVAILABLE", "Down") : null),
    });
    const sunk: EmbeddedLine[] = [];
    const stats = await embedLines({ gateway }, linesOf(["a", "word ".repeat(40), "b", "boom", "c"]), {
      batchSize: 2,
      maxTokensPerInput: 10,
      sink: (line) => void sunk.push(line),
    });
    // Batches: [a, (too long), b] and [boom, c]: a failed request fails the lines it carried.
    expect(sunk.map((line) => line.error?.code ?? "ok")).toEqual(["ok", "EMBED_INPUT_TOO_LONG", "ok", "PROVIDER_UNAVAILABLE", "PROVIDER_UNAVAILABLE"]);
    expect(stats.failures).toBe(3);
  });

  it("stops reading, settles in-flight batches and throws when aborted", async () => {
    const gateway = createFakeGateway({ embedLatencyMs: 10_000 });
    const controller = new AbortController();
    let read = 0;
    const sunk: EmbeddedLine[] = [];
    async function* endless() {
      for (;;) {
        read += 1;
        await Promise.resolve();
        yield `line ${read}`;
      }
    }
    setTimeout(() => controller.abort(new Error("stop")), 20);
    await expect(embedLines({ gateway }, endless(), { batchSize: 2, maxConcurrent: 2, signal: controller.signal, sink: (line) => void sunk.push(line) })).rejects.toThrow("stop");
    expect(read).toBeLessThan(20);
    expect(sunk.every((line) => line.error?.code === "ABORTED")).toBe(true);
  });

  it("stops and rethrows when the sink fails", async () => {
    const gateway = createFakeGateway();
    await expect(
      embedLines({ gateway }, linesOf(["a", "b", "c"]), {
        batchSize: 1,
        sink: () => {
          throw new Error("disk full");
        },
      }),
    ).rejects.toThrow("disk full");
  });
});
