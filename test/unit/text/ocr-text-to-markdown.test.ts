import { describe, expect, it } from "vitest";
import { ocrTextToMarkdown } from "../../../src/text/ocr-text-to-markdown.ts";

describe("ocrTextToMarkdown", () => {
  it("keeps paragraphs and their lines, collapsing blank runs and trimming", () => {
    const text = "  First line of text  \r\nsecond line\n\n\n\nNext paragraph.\n";
    expect(ocrTextToMarkdown(text)).toBe("First line of text\nsecond line\n\nNext paragraph.");
  });

  it("turns bullets and numbered items into list items, each its own block", () => {
    const text = "Steps:\n• open the file\n• read it\n2) close it";
    expect(ocrTextToMarkdown(text)).toBe("Steps:\n\n- open the file\n\n- read it\n\n2. close it");
  });

  it("makes stand-alone capitals lines headings but not capitals inside paragraphs", () => {
    const text = "INTRODUCTION\n\nNASA AND ESA\nworked together.";
    expect(ocrTextToMarkdown(text)).toBe("## INTRODUCTION\n\nNASA AND ESA\nworked together.");
  });

  it("drops noise lines and escapes text that would read as a heading", () => {
    expect(ocrTextToMarkdown("| — |\n# 1 in sales\nmore")).toBe("\\# 1 in sales\nmore");
  });
});
