import { describe, expect, it } from "vitest";
import { countTokens, decodeTokens, encodeTokens } from "../../../src/text/token-count.ts";

describe("token counting", () => {
  it("counts ordinary text exactly as the tokenizer does", () => {
    expect(countTokens("Hello world, this is Quire.")).toBe(8);
    expect(countTokens("")).toBe(0);
  });

  it("stays linear on long runs without spaces (a prompt or line any user can send)", () => {
    countTokens("warm up");
    const started = performance.now();
    const count = countTokens("y".repeat(20_000) + " and " + "ACGT".repeat(5_000));
    // Unsliced, 10,000 letters alone took 13 s; sliced, 40,000 characters take milliseconds.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(count).toBeGreaterThan(1_000);
  });

  it("round-trips through encode and decode, emoji included", () => {
    const text = `${"😀".repeat(300)} tail ${"x".repeat(450)}`;
    expect(decodeTokens(encodeTokens(text))).toBe(text);
    expect(encodeTokens(text)).toHaveLength(countTokens(text));
  });
});
