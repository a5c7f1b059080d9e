import { describe, expect, it } from "vitest";
import { linesFromStream, LineTooLongError } from "../../../src/generation/line-stream.ts";

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream({
    pull(controller) {
      if (next < chunks.length) controller.enqueue(chunks[next++]);
      else controller.close();
    },
  });
}

/** Splits `bytes` into chunks of the given sizes, cycling. */
function chunked(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}

async function collect(stream: ReadableStream<Uint8Array>, options?: { maxLineLength?: number }): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of linesFromStream(stream, options)) lines.push(line);
  return lines;
}

describe("linesFromStream", () => {
  const text = "héllo wörld\r\nзначение 😀 日本語\n\nlast line without newline";
  const expected = ["héllo wörld", "значение 😀 日本語", "", "last line without newline"];

  it("splits lines across every possible chunk boundary, including inside multi-byte characters", async () => {
    const bytes = new TextEncoder().encode(text);
    for (const sizes of [[1], [2], [3], [5, 1], [7, 2, 3]]) {
      expect(await collect(streamOf(chunked(bytes, sizes)))).toEqual(expected);
    }
  });

  it("handles \\r\\n split between chunks, a BOM and a trailing newline", async () => {
    const bytes = new TextEncoder().encode("\uFEFFa\r\nb\r\n");
    expect(await collect(streamOf([bytes.subarray(0, 5), bytes.subarray(5)]))).toEqual(["a", "b"]);
  });

  it("rejects a line longer than the limit", async () => {
    const bytes = new TextEncoder().encode("ok\n" + "x".repeat(100));
    await expect(collect(streamOf(chunked(bytes, [10])), { maxLineLength: 50 })).rejects.toBeInstanceOf(LineTooLongError);
  });

  it("cancels the stream when the consumer stops early", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode("line\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const line of linesFromStream(stream)) {
      expect(line).toBe("line");
      break;
    }
    expect(cancelled).toBe(true);
  });
});
