import { describe, expect, it } from "vitest";
import { layoutToMarkdown } from "../../../src/text/layout-to-markdown.ts";
import type { TextItem } from "../../../src/text/text-item.ts";
import { bodyLines, item, page } from "./text-items.ts";

function column(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_v, i) => `${prefix} line ${String(i).padStart(2, "0")} of running text goes`);
}

/** Two columns of 10 pt text; the left one ends mid-sentence, the right one finishes it. */
function twoColumns(extra: TextItem[], rightTop = 100): TextItem[] {
  const left = column("left", 40);
  left[39] = "and this sentence runs across the";
  const right = column("right", 30);
  right[0] = "gutter and ends in the right column.";
  right[29] = "The page ends with a full stop.";
  return [...bodyLines(left, 72, 100, { width: 220 }), ...bodyLines(right, 320, rightTop, { width: 220 }), ...extra];
}

const SENTENCE = "and this sentence runs across the gutter and ends in the right column.";

function flat(markdown: string): string {
  return markdown.replace(/\s+/g, " ");
}

describe("floats out of the running text", () => {
  it("moves a footnote at the foot of the left column after the paragraph it interrupts", () => {
    const footnote = item("1 An equal-contribution note set small.", 72, 600, { fontSize: 7 });
    const markdown = layoutToMarkdown(page(twoColumns([footnote])), { bodyFontSize: 10 });
    expect(flat(markdown)).toContain(SENTENCE);
    expect(markdown.indexOf("1 An equal-contribution")).toBeGreaterThan(markdown.indexOf("ends in the right column."));
  });

  it("moves a figure caption and a table set in body size out from between the halves", () => {
    const floats = [
      item("Table 2: Results of the runs.", 320, 100, { width: 150 }),
      item("run 1 0.35 0.72 0.61", 320, 112, { width: 150 }),
      item("run 2 0.34 0.70 0.60", 320, 124, { width: 150 }),
    ];
    const markdown = layoutToMarkdown(page(twoColumns(floats, 150)), { bodyFontSize: 10 });
    expect(flat(markdown)).toContain(SENTENCE);
    expect(markdown.indexOf("Table 2: Results")).toBeGreaterThan(markdown.indexOf(SENTENCE.slice(-20)));
  });

  it("moves a body-size caption without punctuation out from between the halves, as it sits by a figure", () => {
    // "Table 1 Summary…" reads like a sentence; only its place right above a table says caption.
    const caption = item("Table 1 Summary characteristics of studies", 320, 100, { width: 220 });
    const figure = { x: 320, y: 114, width: 220, height: 30 };
    const layer = { ...page(twoColumns([caption], 150)), figures: [figure] };
    const markdown = layoutToMarkdown(layer, { bodyFontSize: 10 });
    expect(flat(markdown)).toContain(SENTENCE);
    expect(markdown.indexOf("Table 1 Summary")).toBeGreaterThan(markdown.indexOf(SENTENCE.slice(-20)));
  });

  it("treats a caption set beside its figure as a float, so the previous page's sentence goes first", () => {
    const items = [
      item("Figure 4 Forest plot of therapy", 72, 60, { width: 150 }),
      item("regimen subgroup in two panels.", 72, 72, { width: 150 }),
      ...bodyLines(["results we reached. The results show that most", "of it holds."], 72, 300, { width: 220 }),
    ];
    const layer = { ...page(items), figures: [{ x: 240, y: 50, width: 300, height: 200 }] };
    expect(layoutToMarkdown(layer, { bodyFontSize: 10 }).startsWith("results we reached")).toBe(true);
  });

  it("reads a paragraph continued from the previous page before a figure at the top of the page", () => {
    const items = [
      item("Figure 4: A caption for the figure on top.", 72, 60, { fontSize: 9 }),
      ...bodyLines(["users to click on an inline citation to see", "the rest of the sentence here."], 72, 100),
    ];
    const markdown = layoutToMarkdown(page(items), { bodyFontSize: 10 });
    expect(markdown.startsWith("users to click")).toBe(true);
  });

  it("leaves a finished paragraph and its following caption in place", () => {
    const items = [
      ...bodyLines(["A finished paragraph ends here."], 72, 100),
      item("Figure 1: Caption below it.", 72, 130, { fontSize: 9 }),
      ...bodyLines(["Another paragraph starts."], 72, 160),
    ];
    expect(layoutToMarkdown(page(items), { bodyFontSize: 10 }).split("\n\n")).toEqual([
      "A finished paragraph ends here.",
      "Figure 1: Caption below it.",
      "Another paragraph starts.",
    ]);
  });
});

describe("column gutters", () => {
  it("finds the gutters above and below a long full-width caption", () => {
    const lines = (prefix: string, from: number) =>
      Array.from({ length: 15 }, (_v, i) => `${prefix} line ${String(from + i).padStart(2, "0")} of the column.`);
    const caption = Array.from({ length: 5 }, (_v, i) => `Figure 2 caption line ${i} `.padEnd(94, "x"));
    const items = [
      ...bodyLines(lines("left", 0), 72, 100, { width: 220 }),
      ...bodyLines(lines("right", 0), 320, 100, { width: 220 }),
      ...bodyLines(caption, 72, 300, { width: 470 }),
      ...bodyLines(lines("left", 15), 72, 370, { width: 220 }),
      ...bodyLines(lines("right", 15), 320, 370, { width: 220 }),
    ];
    const order = layoutToMarkdown(page(items), { bodyFontSize: 10 })
      .split("\n")
      .filter((line) => /line \d\d of the column/.test(line));
    expect(order).toEqual([...lines("left", 0), ...lines("right", 0), ...lines("left", 15), ...lines("right", 15)]);
  });

  it("is not split further by a small-print table inside the right column", () => {
    const table = Array.from({ length: 25 }, (_v, row) => [
      item(`Row ${row}`, 320, 460 + row * 9, { fontSize: 7 }),
      item(`${row}.25`, 400, 460 + row * 9, { fontSize: 7 }),
      item(`${row}.75`, 470, 460 + row * 9, { fontSize: 7 }),
    ]).flat();
    const markdown = layoutToMarkdown(page(twoColumns(table)), { bodyFontSize: 10 });
    const order = markdown.split("\n").filter((line) => /^(left|right) line/.test(line));
    expect(order).toEqual([...column("left", 39), ...column("right", 29).slice(1)]);
  });
});

describe("figures from the operator list", () => {
  it("keeps a figure's box labels out of the columns, the headings and the sentence they interrupt", () => {
    const labels = [
      item("Documents", 340, 180, { fontSize: 14, fontName: "Helvetica-Bold" }),
      item("Open IE Extractor", 420, 180, { fontSize: 14, fontName: "Helvetica-Bold" }),
      item("Tuples (arg1, pred, arg2)", 360, 230, { fontSize: 12 }),
    ];
    const right = column("right", 20);
    right[0] = "gutter and ends in the right column.";
    right[19] = "The page ends with a full stop.";
    const left = column("left", 40);
    left[39] = "and this sentence runs across the";
    const layer = {
      ...page([...bodyLines(left, 72, 100, { width: 220 }), ...bodyLines(right, 320, 330, { width: 220 }), ...labels]),
      figures: [{ x: 315, y: 160, width: 230, height: 150 }],
    };
    const markdown = layoutToMarkdown(layer, { bodyFontSize: 10 });
    expect(markdown).not.toContain("#");
    expect(flat(markdown)).toContain(SENTENCE);
    expect(markdown.indexOf("Open IE Extractor")).toBeGreaterThan(markdown.indexOf("ends in the right column."));
  });

  it("keeps a caption's last line with the caption", () => {
    const items = [
      item("Figure 2: A caption that runs over two lines and ends", 72, 60, { fontSize: 9 }),
      item("saved.", 72, 70, { fontSize: 9 }),
      ...bodyLines(["only a subset of them will be relevant to the", "reader at the time of reading."], 72, 100),
    ];
    const markdown = layoutToMarkdown(page(items), { bodyFontSize: 10 });
    expect(markdown.startsWith("only a subset")).toBe(true);
  });
});

describe("form values", () => {
  it("lists filled form values after the page text, marked as form values", () => {
    const layer = {
      ...page(bodyLines(["Your first name and initial"], 72, 100)),
      formFields: [
        { name: "Last name", value: "Doe", x: 300, y: 120, width: 100, height: 12 },
        { name: "First name", value: "Jane", x: 72, y: 120, width: 100, height: 12 },
      ],
    };
    expect(layoutToMarkdown(layer, { bodyFontSize: 10 })).toBe("Your first name and initial\n\n- [form] First name: Jane\n- [form] Last name: Doe");
  });
});
