import { describe, expect, it } from "vitest";
import { layoutToMarkdown } from "../../../src/text/layout-to-markdown.ts";
import { bodyLines, item, page } from "./text-items.ts";

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

describe("right-to-left columns", () => {
  // Each line is one item, as pdf.js hands a Hebrew line in logical order.
  const right = Array.from({ length: 12 }, (_v, i) => `עמודה ימנית שורה ${i + 1} של הטקסט הרץ בעמוד`);
  const left = Array.from({ length: 12 }, (_v, i) => `עמודה שמאלית שורה ${i + 1} של הטקסט הרץ בעמוד`);

  it("reads the right column first on a page written right to left", () => {
    const items = [...bodyLines(left, 72, 100, { width: 220 }), ...bodyLines(right, 320, 100, { width: 220 })];
    const lines = layoutToMarkdown(page(items), { bodyFontSize: 10 }).split("\n").filter((line) => line.length > 0);
    expect(lines).toEqual([...right, ...left]);
  });

  it("still reads the left column first when a right-to-left quote sits in a Latin page", () => {
    const latinLeft = Array.from({ length: 12 }, (_v, i) => `left column line ${i + 1} of the running text here.`);
    const latinRight = Array.from({ length: 12 }, (_v, i) => `right column line ${i + 1} of the running text too.`);
    const items = [...bodyLines(latinLeft, 72, 100, { width: 220 }), ...bodyLines(latinRight, 320, 100, { width: 220 }), item(right[0]!, 320, 260, { width: 220 })];
    const lines = layoutToMarkdown(page(items), { bodyFontSize: 10 }).split("\n").filter((line) => line.length > 0);
    expect(lines.slice(0, 13)).toEqual([...latinLeft, ...latinRight.slice(0, 1)]);
  });
});
