import { describe, expect, it } from "vitest";
import { layoutDocumentToMarkdown, layoutToMarkdown } from "../../../src/text/layout-to-markdown.ts";
import { bodyLines, item, page } from "./text-items.ts";

// 60 characters at 10 pt are 300 pt wide, about a full single-column line.
const FULL = "x".repeat(58);

describe("layoutToMarkdown reading order", () => {
  it("groups items into lines by y and orders them left to right", () => {
    const items = [
      item("world", 130, 100.8),
      item("second line", 72, 112),
      item("Hello", 72, 100),
      item("1", 97.5, 100.5, { fontSize: 6 }), // a footnote mark raised 3.5 pt joins its line
    ];
    expect(layoutToMarkdown(page(items))).toBe("Hello1 world\nsecond line");
  });

  it("inserts spaces from gaps when the PDF has no space characters", () => {
    const items = [item("one", 72, 100), item("two", 72 + 15 + 3, 100), item("s", 72 + 15 + 3 + 15 + 0.2, 100)];
    expect(layoutToMarkdown(page(items))).toBe("one twos");
  });

  it("reads a two-column page column by column, below a full-width title", () => {
    const left = Array.from({ length: 20 }, (_v, i) => `left line ${String(i).padStart(2, "0")} of the first column.`);
    const right = Array.from({ length: 20 }, (_v, i) => `right line ${String(i).padStart(2, "0")} of the second column`);
    const items = [
      item("A Study of Columns", 200, 60, { fontSize: 18 }),
      ...bodyLines(left, 72, 120, { width: 220 }),
      ...bodyLines(right, 320, 120, { width: 220 }),
    ];
    const markdown = layoutToMarkdown(page(items), { bodyFontSize: 10 });
    expect(markdown.startsWith("# A Study of Columns")).toBe(true);
    const order = markdown.split("\n").filter((line) => /line \d\d/.test(line));
    expect(order).toEqual([...left, ...right]);
  });
});

describe("layoutToMarkdown blocks", () => {
  it("starts a paragraph after a larger vertical gap", () => {
    const items = [...bodyLines([FULL, "end of one."], 72, 100), ...bodyLines([FULL, "end of two."], 72, 140)];
    expect(layoutToMarkdown(page(items))).toBe(`${FULL}\nend of one.\n\n${FULL}\nend of two.`);
  });

  it("starts a paragraph at a first-line indent", () => {
    const items = [
      item(FULL, 87, 100),
      item(FULL, 72, 112),
      item("short end.", 72, 124),
      item(FULL, 87, 136),
      item(FULL, 72, 148),
      item("short end.", 72, 160),
    ];
    expect(layoutToMarkdown(page(items)).split("\n\n")).toHaveLength(2);
  });

  it("splits hanging-indent entries such as a bibliography", () => {
    const items = [
      item("Smith, J. 2001. A long title that fills the line up to", 72, 100, { width: 300 }),
      item("the margin. Journal of Things.", 87, 112),
      item("Jones, K. 2002. Another long title that fills the line to", 72, 124, { width: 300 }),
      item("its margin. Proceedings of Stuff.", 87, 136),
      item("Young, L. 2003. A third entry with a title that fills the", 72, 148, { width: 300 }),
      item("line. In Proc.", 87, 160),
    ];
    const blocks = layoutToMarkdown(page(items)).split("\n\n");
    expect(blocks.map((block) => block.slice(0, 5))).toEqual(["Smith", "Jones", "Young"]);
  });

  it("marks headings from font size relative to body text, and bold section names", () => {
    const items = [
      item("Document Title", 72, 60, { fontSize: 20 }),
      item("Part One", 72, 100, { fontSize: 14 }),
      item("1.1 Details", 72, 130, { fontSize: 10, fontName: "ABCDEF+Times-Bold" }),
      ...bodyLines([FULL, FULL, FULL], 72, 150),
    ];
    const blocks = layoutToMarkdown(page(items)).split("\n\n");
    expect(blocks.slice(0, 3)).toEqual(["# Document Title", "## Part One", "### 1.1 Details"]);
    expect(blocks[3]).toBe([FULL, FULL, FULL].join("\n"));
  });

  it("renders bold runs inside body text", () => {
    const items = [
      item("Abstract.", 72, 100, { fontName: "NimbusRomNo9L-Medi", width: 45 }),
      item("We study things.", 120, 100),
    ];
    expect(layoutToMarkdown(page(items))).toBe("**Abstract.** We study things.");
  });

  it("does not take a 'Medium' regular weight for bold", () => {
    expect(layoutToMarkdown(page([item("Plain text here.", 72, 100, { fontName: "StoneSerifStd-Medium" })]))).toBe(
      "Plain text here.",
    );
  });

  it("renders bullet and numbered lists", () => {
    const items = [
      item(FULL, 72, 88),
      item("Intro:", 72, 100),
      item("• first point", 72, 112),
      item("• second point", 72, 124),
      item("2) numbered point", 72, 136),
    ];
    expect(layoutToMarkdown(page(items))).toBe(`${FULL}\nIntro:\n\n- first point\n\n- second point\n\n2. numbered point`);
  });

  it("repairs Type 3 font sizes that leave out the font matrix", () => {
    // A 20 pt title reported as 0.25 pt: its characters are far wider than its "em".
    const items = [item("Tiny Reported Title", 72, 60, { fontSize: 0.25, width: 190 }), ...bodyLines([FULL, FULL], 72, 100)];
    expect(layoutToMarkdown(page(items)).split("\n\n")[0]).toBe("# Tiny Reported Title");
  });
});

describe("layoutDocumentToMarkdown", () => {
  it("measures headings against the document's body size, not the page's", () => {
    const body = page(bodyLines(Array.from({ length: 30 }, () => FULL), 72, 100));
    const headingsOnly = page([item("Appendix", 72, 100, { fontSize: 14 }), item("A short note.", 72, 140, { fontSize: 14 })]);
    const [, second] = layoutDocumentToMarkdown([body, headingsOnly]);
    expect(second).toBe("## Appendix\n\n## A short note.");
    // On its own the page's body size would be 14 pt and nothing would be a heading.
    expect(layoutToMarkdown(headingsOnly)).toBe("Appendix\n\nA short note.");
  });
});

describe("layoutToMarkdown robustness", () => {
  it("drops text drawn twice to fake bold", () => {
    const items = [item("Fake bold", 72, 100), item("Fake bold", 72.3, 100.2), item("text.", 120, 100)];
    expect(layoutToMarkdown(page(items))).toBe("Fake bold text.");
  });

  it("returns an empty string for a page without text", () => {
    expect(layoutToMarkdown(page([item("   ", 72, 100)]))).toBe("");
  });
});
