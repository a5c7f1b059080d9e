import { describe, expect, it } from "vitest";
import { splitMarkdownBlocks } from "../../../src/text/markdown-blocks.ts";

describe("splitMarkdownBlocks", () => {
  it("splits paragraphs at blank lines and headings, keeping pages and line breaks", () => {
    expect(splitMarkdownBlocks(["# Title\nfirst line\nsecond line\n\nnext", "## Part\n\nlast"])).toEqual([
      { pageIndex: 0, headingLevel: 1, text: "Title" },
      { pageIndex: 0, headingLevel: 0, text: "first line\nsecond line" },
      { pageIndex: 0, headingLevel: 0, text: "next" },
      { pageIndex: 1, headingLevel: 2, text: "Part" },
      { pageIndex: 1, headingLevel: 0, text: "last" },
    ]);
  });

  it("does not take '#' without a space or an escaped '\\#' for a heading", () => {
    expect(splitMarkdownBlocks(["#hashtag\n\\# not a heading"])).toEqual([
      { pageIndex: 0, headingLevel: 0, text: "#hashtag\n\\# not a heading" },
    ]);
  });
});
