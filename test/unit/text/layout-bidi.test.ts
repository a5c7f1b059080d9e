import { describe, expect, it } from "vitest";
import { layoutToMarkdown } from "../../../src/text/layout-to-markdown.ts";
import { item, page } from "./text-items.ts";

describe("right-to-left lines", () => {
  it("reads the words of an Arabic line from the right", () => {
    // pdf.js hands each word in logical order; on the page the first word is the rightmost.
    const items = [item("العربية", 100, 100, { width: 40 }), item("الخطوط", 150, 100, { width: 35 }), item("انواع", 195, 100, { width: 30 })];
    expect(layoutToMarkdown(page(items), { bodyFontSize: 10 })).toBe("انواع الخطوط العربية");
  });

  it("keeps a Latin run and a number inside it in left-to-right order", () => {
    const items = [
      item("العربية", 100, 100, { width: 40 }),
      item("PDF", 150, 100, { width: 18 }),
      item("2.0", 172, 100, { width: 15 }),
      item("انواع", 195, 100, { width: 30 }),
    ];
    expect(layoutToMarkdown(page(items), { bodyFontSize: 10 })).toBe("انواع PDF 2.0 العربية");
  });

  it("leaves a left-to-right line with one Arabic word alone", () => {
    const items = [item("The word", 72, 100, { width: 40 }), item("انواع", 116, 100, { width: 30 }), item("means kinds", 150, 100, { width: 55 })];
    expect(layoutToMarkdown(page(items), { bodyFontSize: 10 })).toBe("The word انواع means kinds");
  });
});
