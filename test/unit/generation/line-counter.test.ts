import { describe, expect, it } from "vitest";
import { countEmbeddableLines } from "../../../src/embeddings/embedding-job-runner.ts";
import { EmbeddableLineCounter } from "../../../src/generation/line-counter.ts";

/** Feeds `bytes` to a counter in slices of `step` bytes (splitting characters and CRLFs). */
function countInSlices(bytes: Uint8Array, step: number, maxLineLength?: number): number | null {
  const counter = new EmbeddableLineCounter(maxLineLength === undefined ? {} : { maxLineLength });
  for (let offset = 0; offset < bytes.length; offset += step) counter.push(bytes.subarray(offset, offset + step));
  return counter.count();
}

const samples: Record<string, string> = {
  plain: "one\ntwo\nthree",
  "trailing newline": "one\ntwo\n",
  "blank and whitespace-only lines": "one\n\n   \n\t\ntwo\n\n",
  crlf: "one\r\ntwo\r\n\r\nthree\r\n",
  "leading BOM and a BOM-only line": "\uFEFFone\n\uFEFF\ntwo",
  "unicode whitespace only": "one\n\u00A0\u3000\u2003\ntwo",
  "multi-byte characters": "héllo wörld\n日本語のテキスト\n🙂 emoji line\n",
  empty: "",
  "only newlines": "\n\n\n",
};

describe("EmbeddableLineCounter counts what embedFile embeds, as the bytes arrive", () => {
  for (const [name, text] of Object.entries(samples)) {
    it(`agrees with a read of the whole upload: ${name}`, async () => {
      const bytes = new TextEncoder().encode(text);
      const expected = await countEmbeddableLines(new Blob([bytes]));
      // Slices of 1, 2 and 3 bytes split every multi-byte character and CRLF somewhere.
      for (const step of [1, 2, 3, 64]) expect(countInSlices(bytes, step)).toBe(expected);
    });
  }

  it("is null when a line is longer than the limit, with or without a newline after it", () => {
    const encode = (text: string) => new TextEncoder().encode(text);
    expect(countInSlices(encode(`ok\n${"x".repeat(20)}\nok`), 4, 10)).toBeNull();
    expect(countInSlices(encode(`ok\n${"x".repeat(20)}`), 4, 10)).toBeNull();
    expect(countInSlices(encode(`ok\n${"x".repeat(10)}\nok`), 4, 10)).toBe(3);
  });
});
