import { describe, expect, it } from "vitest";
import { splitSentences } from "../../../src/text/sentence-split.ts";

describe("splitSentences", () => {
  it("splits at terminal punctuation followed by a capital, a digit or a quote", () => {
    expect(splitSentences('It works. Does it? Yes! 3 tests pass. "Quoted" too.')).toEqual([
      "It works.",
      "Does it?",
      "Yes!",
      "3 tests pass.",
      '"Quoted" too.',
    ]);
  });

  it("does not split after abbreviations, initials or decimals", () => {
    const text = "Smith et al. (2019) showed it, see Fig. 2 and e.g. Table 3. J. R. Smith agreed with 3.5 of them.";
    expect(splitSentences(text)).toEqual([
      "Smith et al. (2019) showed it, see Fig. 2 and e.g. Table 3.",
      "J. R. Smith agreed with 3.5 of them.",
    ]);
  });

  it("treats line breaks as spaces and returns nothing for blank text", () => {
    expect(splitSentences("one line\ncontinues here. Next")).toEqual(["one line continues here.", "Next"]);
    expect(splitSentences("  \n ")).toEqual([]);
  });
});
