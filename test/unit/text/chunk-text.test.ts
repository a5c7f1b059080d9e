import { describe, expect, it } from "vitest";
import { chunkMarkdownPages } from "../../../src/text/chunk-text.ts";
import { countTokens } from "../../../src/text/token-count.ts";

function sentences(topic: string, count: number): string {
  return Array.from({ length: count }, (_v, i) => `Sentence ${i} explains one more fact about ${topic}.`).join(" ");
}

describe("chunkMarkdownPages", () => {
  it("keeps every chunk within the target and loses no paragraph", () => {
    const paragraphs = Array.from({ length: 12 }, (_v, i) => sentences(`topic ${i}`, 4));
    const chunks = chunkMarkdownPages([paragraphs.join("\n\n")], { targetTokens: 120, overlapTokens: 20 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.tokenCount).toBeLessThanOrEqual(120);
      expect(chunk.tokenCount).toBe(countTokens(chunk.text));
    }
    for (const paragraph of paragraphs) expect(chunks.some((chunk) => chunk.text.includes(paragraph))).toBe(true);
    expect(chunks.map((chunk) => chunk.index)).toEqual(chunks.map((_c, i) => i));
  });

  it("starts chunks at headings and records the heading path", () => {
    const markdown = [
      "# Guide",
      sentences("the guide", 6),
      "## Install",
      sentences("installing", 6),
      "### On Linux",
      sentences("linux", 6),
      "## Use",
      sentences("usage", 6),
    ].join("\n\n");
    const chunks = chunkMarkdownPages([markdown], { targetTokens: 200, overlapTokens: 0 });
    expect(chunks.map((chunk) => chunk.headingPath)).toEqual([
      ["Guide"],
      ["Guide", "Install"],
      ["Guide", "Install", "On Linux"],
      ["Guide", "Use"],
    ]);
    expect(chunks[1]!.text.startsWith("## Install")).toBe(true);
  });

  it("merges sections too small to stand alone, keeping their common heading path", () => {
    const markdown = "# Notes\n\n## A\n\nShort a.\n\n## B\n\nShort b.";
    const [only, ...rest] = chunkMarkdownPages([markdown], { targetTokens: 200 });
    expect(rest).toEqual([]);
    expect(only!.headingPath).toEqual(["Notes"]);
    expect(only!.text).toBe("# Notes\n\n## A\n\nShort a.\n\n## B\n\nShort b.");
  });

  it("tracks the pages a chunk's text comes from", () => {
    const pages = [sentences("page one", 5), sentences("page two", 5), sentences("page three", 5)];
    const chunks = chunkMarkdownPages(pages, { targetTokens: 1000 });
    expect(chunks).toHaveLength(1);
    expect([chunks[0]!.pageStart, chunks[0]!.pageEnd]).toEqual([1, 3]);
    const small = chunkMarkdownPages(pages, { targetTokens: 90, overlapTokens: 0 });
    expect(small.map((chunk) => [chunk.pageStart, chunk.pageEnd])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });

  it("splits a giant paragraph by sentences and a giant sentence by tokens", () => {
    const giantParagraph = sentences("splitting", 40);
    const giantSentence = Array.from({ length: 400 }, (_v, i) => `word${i}`).join(" ");
    const chunks = chunkMarkdownPages([`${giantParagraph}\n\n${giantSentence}`], { targetTokens: 100, overlapTokens: 10 });
    for (const chunk of chunks) expect(chunk.tokenCount).toBeLessThanOrEqual(100);
    const fromParagraph = chunks.filter((chunk) => chunk.text.includes("splitting") && !chunk.text.includes("word0"));
    expect(fromParagraph.length).toBeGreaterThan(3);
    // Sentence splits end at sentence ends.
    for (const chunk of fromParagraph) expect(chunk.text.trim().endsWith(".")).toBe(true);
    expect(chunks.some((chunk) => chunk.text.includes("word399"))).toBe(true);
  });

  it("repeats whole trailing sentences of the previous chunk, within the overlap budget", () => {
    const paragraphs = Array.from({ length: 6 }, (_v, i) => sentences(`part ${i}`, 3));
    const chunks = chunkMarkdownPages([paragraphs.join("\n\n")], { targetTokens: 80, overlapTokens: 15 });
    expect(chunks.length).toBeGreaterThan(2);
    for (let i = 1; i < chunks.length; i++) {
      const previousLastSentence = /[^.]*\.$/.exec(chunks[i - 1]!.text)![0].trim();
      expect(chunks[i]!.text.startsWith(previousLastSentence)).toBe(true);
      expect(countTokens(previousLastSentence)).toBeLessThanOrEqual(15);
    }
  });

  it("returns no chunks for an empty document", () => {
    expect(chunkMarkdownPages(["", "  "])).toEqual([]);
  });
});
