import { describe, expect, it } from "vitest";
import { summarizeExtractive } from "../../../src/text/summarize-extractive.ts";
import { countTokens } from "../../../src/text/token-count.ts";

const DOCUMENT = [
  "# Solar panels on farms",
  "Solar panels on farms produce electricity while sheep graze between the panel rows.",
  "Farmers who install solar panels earn steady income from the electricity they sell.",
  "My cousin once visited Lisbon and liked the pastries there very much.",
  "## Results",
  "Farms with solar panels kept their sheep healthy and sold more electricity each year.",
  "The shade of the panels reduced water loss from the grass on the farms.",
  "## References",
  "Smith, J. 2020. Solar panels on farms and sheep electricity income. Journal of Farms.",
].join("\n\n");

describe("summarizeExtractive", () => {
  it("picks central sentences over an off-topic one, in document order", () => {
    const summary = summarizeExtractive(DOCUMENT, { maxSentences: 3 });
    expect(summary.sentences).toHaveLength(3);
    expect(summary.text).not.toContain("Lisbon");
    const indexes = summary.sentences.map((sentence) => sentence.index);
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
    expect(summary.text).toBe(summary.sentences.map((sentence) => sentence.text).join(" "));
  });

  it("never quotes the bibliography", () => {
    const summary = summarizeExtractive(DOCUMENT, { maxSentences: 10 });
    expect(summary.text).not.toContain("Journal of Farms");
    expect(summary.sentences.length).toBeLessThanOrEqual(5);
  });

  it("respects a token budget", () => {
    const summary = summarizeExtractive(DOCUMENT, { maxSentences: 5, maxTokens: 25 });
    expect(summary.tokenCount).toBeLessThanOrEqual(25);
    expect(summary.tokenCount).toBe(countTokens(summary.text));
    expect(summary.sentences.length).toBeGreaterThan(0);
  });

  it("is deterministic and accepts per-page markdown", () => {
    const pages = DOCUMENT.split("## Results");
    const a = summarizeExtractive(pages, { maxSentences: 2 });
    const b = summarizeExtractive(pages, { maxSentences: 2 });
    expect(a).toEqual(b);
  });

  it("returns an empty summary when there is nothing to summarise", () => {
    expect(summarizeExtractive("# Title only\n\nToo short.")).toEqual({ text: "", sentences: [], tokenCount: 0 });
  });
});

describe("summarizeExtractive on text without sentence punctuation", () => {
  it("still summarises, from word runs of readable size", () => {
    const words = "the pipeline renders every page of each document before extracting its text and the results are checked against a manifest".split(" ");
    const paragraph = Array.from({ length: 120 }, (_, i) => words[i % words.length]).join(" ");
    const summary = summarizeExtractive([`# Report\n\n${paragraph}\n\n${paragraph}`], { maxSentences: 2 });
    expect(summary.sentences.length).toBeGreaterThan(0);
    for (const sentence of summary.sentences) expect(sentence.text.split(" ").length).toBeLessThanOrEqual(60);
  });
});
