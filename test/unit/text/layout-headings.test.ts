import { describe, expect, it } from "vitest";
import { layoutToMarkdown } from "../../../src/text/layout-to-markdown.ts";
import { isNameLine } from "../../../src/text/layout-headings.ts";
import { bodyLines, item, page } from "./text-items.ts";

const BODY = "Body text of the paper continues here with enough words to fill a line.";

describe("headings", () => {
  it("recognises numbered section headings set in body size and weight", () => {
    const items = [
      ...bodyLines([BODY, "The paragraph ends here."], 72, 100),
      item("1.1 Diversity of Web Pages", 72, 130),
      ...bodyLines([BODY, "Another paragraph ends."], 72, 145),
      item("3 PRELIMINARY INTERVIEWS", 72, 175),
      ...bodyLines([BODY], 72, 190),
    ];
    const headings = layoutToMarkdown(page(items), { bodyFontSize: 10 }).split("\n").filter((line) => line.startsWith("#"));
    expect(headings).toEqual(["### 1.1 Diversity of Web Pages", "### 3 PRELIMINARY INTERVIEWS"]);
  });

  it("does not take a numbered list item for a heading", () => {
    const items = bodyLines(["1. We formalize the problem of web spam", "2. We define metrics for the detection"], 72, 100);
    expect(layoutToMarkdown(page(items), { bodyFontSize: 10 })).not.toContain("#");
  });

  it("takes a short line in the journal's heading face as a heading, not a paragraph set in that face", () => {
    const face = { fontName: "AdvHeadingFace", fontSize: 10.5 };
    const items = [
      ...bodyLines(["METHODS"], 72, 80, face),
      ...bodyLines(["Search strategy and identification of studies"], 72, 95, face),
      ...bodyLines([BODY, "The paragraph ends here."], 72, 110),
      ...bodyLines(["Methods Starting in May 2009, searches of the", "databases were made by two of the authors in", "parallel and compared."], 72, 160, face),
      ...bodyLines([BODY, BODY, BODY], 72, 210),
    ];
    const headings = layoutToMarkdown(page(items), { bodyFontSize: 10 }).split("\n").filter((line) => line.startsWith("#"));
    expect(headings).toEqual(["### METHODS", "### Search strategy and identification of studies"]);
  });

  it("joins a heading broken over two lines, hyphen included", () => {
    const items = [
      item("7.2 Human intervention and the proba-", 72, 100, { fontSize: 12 }),
      item("bilistic models", 72, 114, { fontSize: 12 }),
      ...bodyLines([BODY], 72, 135),
    ];
    expect(layoutToMarkdown(page(items), { bodyFontSize: 10 }).split("\n")[0]).toBe("### 7.2 Human intervention and the probabilistic models");
  });

  it("leaves author names under the title out of the headings", () => {
    const items = [
      item("A Title of Some Length", 150, 60, { fontSize: 18 }),
      item("Joseph Chee Chang", 100, 100, { fontSize: 12 }),
      item("Zolt´an Gy¨ongyi", 300, 100, { fontSize: 12 }),
      item("Abstract", 72, 140, { fontSize: 12 }),
      ...bodyLines([BODY], 72, 160),
      item("1 Related Work", 72, 200, { fontSize: 12 }),
    ];
    const headings = layoutToMarkdown(page(items), { bodyFontSize: 10 }).split("\n").filter((line) => line.startsWith("#"));
    expect(headings).toEqual(["# A Title of Some Length", "### Abstract", "### 1 Related Work"]);
  });

  it("tells name lines from other capitalised lines by their shape", () => {
    expect(isNameLine("Iz Beltagy† Doug Downey† Daniel S. Weld†,‡")).toBe(true);
    expect(isNameLine("Stephen Soderland, Brendan Roof, Bo Qin, and Oren Etzioni")).toBe(true);
    expect(isNameLine("Experiments on the web graph")).toBe(false);
  });
});
