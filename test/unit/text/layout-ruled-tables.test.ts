import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { openDocument } from "../../../src/pdf/pdfjs-document-loader.ts";
import { extractPage } from "../../../src/pdf/text-extractor.ts";
import { layoutToMarkdown } from "../../../src/text/layout-to-markdown.ts";

const HEIGHT = 792;

/** Markdown of the first page of a one-page PDF drawn by `draw`, through the real extractor. */
async function markdownOf(draw: (page: PDFPage, font: PDFFont) => void): Promise<string> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([612, HEIGHT]);
  draw(page, font);
  const { task, doc } = await openDocument(await pdf.save(), { maxPages: 10, maxImagePixels: 10_000_000 });
  try {
    return layoutToMarkdown(await extractPage(doc, 1), { bodyFontSize: 10 });
  } finally {
    await task.destroy();
  }
}

/** Text at `x` with its top `top` points below the page's top edge. */
function text(page: PDFPage, font: PDFFont, value: string, x: number, top: number, size = 10): void {
  page.drawText(value, { x, y: HEIGHT - top - size * 0.75, size, font });
}

function hline(page: PDFPage, x0: number, x1: number, top: number): void {
  page.drawLine({ start: { x: x0, y: HEIGHT - top }, end: { x: x1, y: HEIGHT - top }, thickness: 0.5 });
}

function vline(page: PDFPage, x: number, top: number, bottom: number): void {
  page.drawLine({ start: { x, y: HEIGHT - top }, end: { x, y: HEIGHT - bottom }, thickness: 0.5 });
}

const PROSE = [
  "A paragraph of running text stands above the table and",
  "ends here before the table starts on the same page.",
];

/**
 * A fully ruled grid: column borders at `xs`, row borders every 20 points from `top`, each
 * row's cells written 4 points right of their left border. `skip` leaves inner vertical
 * borders out of a row (a merged cell): [row, border index].
 */
function grid(page: PDFPage, font: PDFFont, rows: string[][], xs: number[], top: number, skip: [number, number][] = []): number {
  const bottom = top + 20 * rows.length;
  for (let r = 0; r <= rows.length; r++) hline(page, xs[0]!, xs.at(-1)!, top + 20 * r);
  xs.forEach((x, i) => {
    for (let r = 0; r < rows.length; r++) {
      if (!skip.some(([row, border]) => row === r && border === i)) vline(page, x, top + 20 * r, top + 20 * (r + 1));
    }
  });
  rows.forEach((cells, r) => cells.forEach((cell, c) => cell && text(page, font, cell, xs[c]! + 4, top + 20 * r + 5)));
  return bottom;
}

describe("markdown tables from drawn rules", () => {
  it("turns a ruled grid into a markdown table with its caption beside it", async () => {
    const markdown = await markdownOf((page, font) => {
      PROSE.forEach((line, i) => text(page, font, line, 72, 80 + 12 * i));
      text(page, font, "Table 1: Scores on the test set.", 72, 120, 9);
      grid(page, font, [["Model", "F1", "Recall"], ["Baseline", "71.2", "64.0"], ["Ours", "80.5", "77.9"]], [72, 200, 280, 360], 140);
      text(page, font, "Running text goes on below the table in its own paragraph.", 72, 230);
    });
    expect(markdown.split("\n\n")).toEqual([
      PROSE.join("\n"),
      "Table 1: Scores on the test set.",
      "| Model | F1 | Recall |\n| --- | --- | --- |\n| Baseline | 71.2 | 64.0 |\n| Ours | 80.5 | 77.9 |",
      "Running text goes on below the table in its own paragraph.",
    ]);
  });

  it("finds a ruled table that has no caption, with words in its cells", async () => {
    const markdown = await markdownOf((page, font) => {
      grid(page, font, [["Name", "Role"], ["Ada Lovelace", "analyst"], ["Alan Turing", "cryptographer"]], [100, 250, 400], 100);
    });
    expect(markdown).toBe("| Name | Role |\n| --- | --- |\n| Ada Lovelace | analyst |\n| Alan Turing | cryptographer |");
  });

  it("keeps a merged head cell in its first column and empty cells empty", async () => {
    const markdown = await markdownOf((page, font) => {
      // Row 0: "Results" spans the last two columns (their shared border is not drawn there).
      grid(
        page,
        font,
        [["Method", "Results", ""], ["", "dev", "test"], ["BM25", "0.31", ""], ["Dense", "0.42", "0.40"]],
        [72, 200, 280, 360],
        100,
        [[0, 2]],
      );
    });
    expect(markdown).toBe(
      "| Method | Results |  |\n| --- | --- | --- |\n|  | dev | test |\n| BM25 | 0.31 |  |\n| Dense | 0.42 | 0.40 |",
    );
  });

  it("reads a table set between horizontal rules only, without a caption, numbers a word space apart", async () => {
    const markdown = await markdownOf((page, font) => {
      hline(page, 72, 300, 100);
      text(page, font, "Training signal", 76, 104, 9);
      text(page, font, "CLS USR All", 210, 104, 9);
      hline(page, 72, 300, 118);
      text(page, font, "SPECTER", 76, 122, 9);
      text(page, font, "84.2 88.4 80.0", 204, 122, 9);
      text(page, font, "fine-tune on co-view", 76, 134, 9);
      text(page, font, "83.0 84.2 76.0", 204, 134, 9);
      text(page, font, "fine-tune on co-read", 76, 146, 9);
      text(page, font, "82.3 85.4 77.1", 204, 146, 9);
      hline(page, 72, 300, 160);
    });
    expect(markdown).toBe(
      "| Training signal | CLS | USR | All |\n| --- | --- | --- | --- |\n| SPECTER | 84.2 | 88.4 | 80.0 |\n| fine-tune on co-view | 83.0 | 84.2 | 76.0 |\n| fine-tune on co-read | 82.3 | 85.4 | 77.1 |",
    );
  });

  it("joins column heads wrapped over two lines above the head rule into one head row", async () => {
    const markdown = await markdownOf((page, font) => {
      hline(page, 72, 400, 100);
      text(page, font, "Year of", 180, 104, 8);
      text(page, font, "Time node for", 300, 104, 8);
      text(page, font, "Reference", 76, 114, 8);
      text(page, font, "publication", 180, 114, 8);
      text(page, font, "examination", 300, 114, 8);
      hline(page, 72, 400, 126);
      text(page, font, "Choe YH", 76, 130, 8);
      text(page, font, "1999", 180, 130, 8);
      text(page, font, "Sequential", 300, 130, 8);
      text(page, font, "Lin Y", 76, 142, 8);
      text(page, font, "2005", 180, 142, 8);
      text(page, font, "8 week", 300, 142, 8);
      hline(page, 72, 400, 156);
    });
    expect(markdown).toBe(
      "| Reference | Year of publication | Time node for examination |\n| --- | --- | --- |\n| Choe YH | 1999 | Sequential |\n| Lin Y | 2005 | 8 week |",
    );
  });

  it("reads a framed table ruled between its columns only, one row per line, wrapped cells joined", async () => {
    const markdown = await markdownOf((page, font) => {
      hline(page, 72, 400, 100);
      hline(page, 72, 400, 166);
      for (const x of [72, 130, 400]) vline(page, x, 100, 166);
      const lines: [string, string][] = [
        ["is", "is an album by, is the author of"],
        ["has", "has a population of, has a cameo in"],
        ["made", "made a deal with, made a promise to,"],
        ["", "made a mistake in"],
        ["got", "got tickets to, got a deal on"],
      ];
      lines.forEach(([verb, completions], i) => {
        if (verb) text(page, font, verb, 76, 104 + 12 * i, 9);
        text(page, font, completions, 134, 104 + 12 * i, 9);
      });
    });
    expect(markdown).toBe(
      "| is | is an album by, is the author of |\n| --- | --- |\n| has | has a population of, has a cameo in |\n| made | made a deal with, made a promise to, made a mistake in |\n| got | got tickets to, got a deal on |",
    );
  });

  it("leaves an underline, a separator and a framed paragraph as text", async () => {
    const lines = [
      "The first paragraph has an underlined word in it and",
      "a separator rule under it, which is no table at all.",
      "A second paragraph follows the separator in a box that",
      "is framed by four rules, which is no table either.",
    ];
    const markdown = await markdownOf((page, font) => {
      text(page, font, lines[0]!, 72, 100);
      text(page, font, lines[1]!, 72, 112);
      hline(page, 130, 180, 110);
      hline(page, 72, 540, 130);
      text(page, font, lines[2]!, 72, 140);
      text(page, font, lines[3]!, 72, 152);
      page.drawRectangle({ x: 66, y: HEIGHT - 168, width: 300, height: 34, borderWidth: 0.5, borderColor: rgb(0, 0, 0) });
    });
    expect(markdown).not.toContain("|");
    expect(markdown).toBe(`${lines.slice(0, 2).join("\n")}\n\n${lines.slice(2).join("\n")}`);
  });

  it("leaves the boxes of a diagram, whose borders do not close into cells, as text", async () => {
    const markdown = await markdownOf((page, font) => {
      for (const [x, label] of [[72, "Client"], [232, "Server"], [392, "Store"]] as const) {
        page.drawRectangle({ x, y: HEIGHT - 160, width: 100, height: 40, borderWidth: 0.5, borderColor: rgb(0, 0, 0) });
        text(page, font, label, x + 10, 135);
      }
      // Arrows between the boxes, on the boxes' middle line.
      hline(page, 172, 232, 140);
      hline(page, 332, 392, 140);
    });
    expect(markdown).not.toContain("|");
  });
});
