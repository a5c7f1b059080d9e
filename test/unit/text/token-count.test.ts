import { Tiktoken } from "js-tiktoken/lite";
import { describe, expect, it, vi } from "vitest";
import { countTokens, decodeTokens, encodeTokens } from "../../../src/text/token-count.ts";

describe("token counting", () => {
  it("counts ordinary text exactly as the tokenizer does", () => {
    expect(countTokens("Hello world, this is Quire.")).toBe(8);
    expect(countTokens("")).toBe(0);
  });

  it("stays linear on long runs without spaces (a prompt or line any user can send)", () => {
    // js-tiktoken's merge is quadratic in the length of one run without whitespace (10,000
    // letters took 13 s): what keeps it linear is that no run longer than 200 characters ever
    // reaches the encoder. Checked on the encoder's input, not with a stopwatch.
    const encode = vi.spyOn(Tiktoken.prototype, "encode");
    try {
      const count = countTokens("y".repeat(20_000) + " and " + "ACGT".repeat(5_000));
      expect(count).toBeGreaterThan(1_000);
      const inputs = encode.mock.calls.map(([text]) => text);
      expect(inputs.join("")).toBe("y".repeat(20_000) + " and " + "ACGT".repeat(5_000));
      const longestRun = Math.max(...inputs.flatMap((text) => text.split(/\s+/).map((run) => run.length)));
      expect(longestRun).toBeLessThanOrEqual(200);
    } finally {
      encode.mockRestore();
    }
  });

  it("round-trips through encode and decode, emoji included", () => {
    const text = `${"😀".repeat(300)} tail ${"x".repeat(450)}`;
    expect(decodeTokens(encodeTokens(text))).toBe(text);
    expect(encodeTokens(text)).toHaveLength(countTokens(text));
  });
});
