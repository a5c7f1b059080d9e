import { describe, expect, it } from "vitest";
import { layoutToMarkdown } from "../../../src/text/layout-to-markdown.ts";
import type { TextItem } from "../../../src/text/text-item.ts";
import { bodyLines, item, page } from "./text-items.ts";

/** One table row: cells at the given x positions on one baseline. */
function row(y: number, cells: [string, number][]): TextItem[] {
  return cells.map(([text, x]) => item(text, x, y, { fontSize: 9 }));
}

describe("markdown tables beside their captions", () => {
  it("turns the aligned rows under a caption into a markdown table, the caption beside it", () => {
    const items = [
      ...bodyLines(["A paragraph before the table ends here."], 72, 80),
      item("Table 2: Ablations on the evaluation suite.", 72, 110, { fontSize: 9 }),
      ...row(125, [["Model", 72], ["CLS", 250], ["USR", 320], ["All", 390]]),
      ...row(137, [["SPECTER", 72], ["84.2", 250], ["88.4", 320], ["80.0", 390]]),
      ...row(149, [["No hard negatives", 72], ["82.4", 250], ["85.8", 320], ["78.4", 390]]),
      ...bodyLines(["A paragraph after the table ends here."], 72, 180),
    ];
    const blocks = layoutToMarkdown(page(items), { bodyFontSize: 10 }).split("\n\n");
    expect(blocks).toEqual([
      "A paragraph before the table ends here.",
      "Table 2: Ablations on the evaluation suite.",
      "| Model | CLS | USR | All |\n| --- | --- | --- | --- |\n| SPECTER | 84.2 | 88.4 | 80.0 |\n| No hard negatives | 82.4 | 85.8 | 78.4 |",
      "A paragraph after the table ends here.",
    ]);
  });

  it("finds the table above a caption set below it", () => {
    const items = [
      ...row(100, [["Training signal", 72], ["CLS", 250], ["All", 320]]),
      ...row(112, [["co-view", 72], ["83.0", 250], ["76.0", 320]]),
      item("Table 3: Comparison with fine-tuning.", 72, 130, { fontSize: 9 }),
    ];
    const markdown = layoutToMarkdown(page(items), { bodyFontSize: 10 });
    expect(markdown).toContain("| Training signal | CLS | All |\n| --- | --- | --- |\n| co-view | 83.0 | 76.0 |");
  });

  it("takes only the caption's column on a two-column page", () => {
    const right = Array.from({ length: 12 }, (_v, i) => `right column line ${i} of running text set beside the table.`);
    const items = [
      ...row(100, [["Model", 72], ["CLS", 180], ["All", 240]]),
      ...row(112, [["SPECTER", 72], ["84.2", 180], ["80.0", 240]]),
      ...row(124, [["No hard negatives", 72], ["82.4", 180], ["78.4", 240]]),
      item("Table 2: Ablations.", 72, 142, { fontSize: 9 }),
      ...bodyLines(right, 320, 100, { width: 220 }),
    ];
    const markdown = layoutToMarkdown(page(items), { bodyFontSize: 10 });
    expect(markdown).toContain("| Model | CLS | All |\n| --- | --- | --- |\n| SPECTER | 84.2 | 80.0 |\n| No hard negatives | 82.4 | 78.4 |");
    expect(markdown.split("\n").filter((line) => line.startsWith("right column"))).toEqual(right);
  });

  it("keeps a one-cell label row that groups the rows under it", () => {
    const items = [
      item("Table 6: Best routing results.", 72, 90, { fontSize: 9 }),
      ...row(105, [["Criterion", 72], ["AveP", 250], ["P5", 320]]),
      ...row(117, [["Predictive", 72]]),
      ...row(129, [["ARSV", 72], ["0.371", 250], ["0.660", 320]]),
    ];
    expect(layoutToMarkdown(page(items), { bodyFontSize: 10 })).toContain(
      "| Criterion | AveP | P5 |\n| --- | --- | --- |\n| Predictive |  |  |\n| ARSV | 0.371 | 0.660 |",
    );
  });

  it("keeps a note row between data rows when its words come as separate items", () => {
    // Each word its own item: joined with spaces between items it would look longer than it is.
    const note = "(the above row is the official run)".split(" ").map((word, i, words) => {
      const x = 150 + words.slice(0, i).join(" ").length * 4.5 + (i > 0 ? 4.5 : 0);
      return item(i < words.length - 1 ? `${word} ` : word, x, 129, { fontSize: 9 });
    });
    const items = [
      item("Table 3: Expansion results.", 72, 90, { fontSize: 9 }),
      ...row(105, [["docs", 72], ["AveP", 250], ["P5", 320]]),
      ...row(117, [["30", 72], ["0.401", 250], ["0.752", 320]]),
      ...note,
      ...row(141, [["20", 72], ["0.389", 250], ["0.768", 320]]),
    ];
    const markdown = layoutToMarkdown(page(items), { bodyFontSize: 10 });
    expect(markdown).toContain("| 20 | 0.389 | 0.768 |");
  });

  it("leaves a caption without aligned rows, and prose mentioning a table, as text", () => {
    const items = bodyLines(["Table 1 presents the main results of the study in", "the usual order of the tasks."], 72, 100);
    expect(layoutToMarkdown(page(items), { bodyFontSize: 10 })).not.toContain("|");
  });
});
