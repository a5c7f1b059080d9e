import { describe, expect, it } from "vitest";
import { cleanPages } from "../../../src/text/clean-pages.ts";
import { normalizeText } from "../../../src/text/normalize-text.ts";

const TOPICS = ["apples", "boats", "clouds", "dunes", "eels"];

function bodyPage(n: number): string {
  return `Journal of Examples, Vol. 3\n\nA paragraph on ${TOPICS[n - 1]}.\nIt has two lines.\n\nPage ${n} of 5`;
}

describe("cleanPages running headers and footers", () => {
  it("removes lines repeated at the top or bottom of pages, page numbers varying", () => {
    const pages = [1, 2, 3, 4, 5].map((n) => bodyPage(n));
    expect(cleanPages(pages)).toEqual(TOPICS.map((topic) => `A paragraph on ${topic}.\nIt has two lines.`));
  });

  it("keeps the title on page one when later pages repeat it as a running header", () => {
    const title = "Apparent and average accelerations";
    const pages = [`# ${title}`, title, title, title].map((top, i) => `${top}\n\nText on ${TOPICS[i]}.\nMore on ${TOPICS[i]}.`);
    const cleaned = cleanPages(pages);
    expect(cleaned[0]).toBe(`# ${title}\n\nText on apples.\nMore on apples.`);
    expect(cleaned[1]).toBe("Text on boats.\nMore on boats.");
  });

  it("removes page numbers read in the middle of a page but keeps other numbers", () => {
    const pages = [11, 12, 13, 14].map((n, i) => {
      const topic = TOPICS[i]!;
      return `Left on ${topic}.\n\n${n}\n\nAnswer on ${topic}:\n\n42\n\nRight on ${topic}.\nEnd of ${topic}.`;
    });
    const cleaned = cleanPages(pages);
    expect(cleaned[0]).toBe("Left on apples.\n\nAnswer on apples:\n\n42\n\nRight on apples.\nEnd of apples.");
  });

  it("leaves a single page alone", () => {
    expect(cleanPages(["Only page\n\n1"])).toEqual(["Only page\n\n1"]);
  });
});

describe("cleanPages de-hyphenation", () => {
  it("joins words broken at line ends and moves the rest of the word up", () => {
    expect(cleanPages(["the compu-\ntation of results"])).toEqual(["the computation\nof results"]);
  });

  it("keeps hyphens of compounds broken at the line end", () => {
    expect(cleanPages(["a state-of-the-\nart model"])).toEqual(["a state-of-the-art\nmodel"]);
    expect(cleanPages(["a state-\nof-the-art model"])).toEqual(["a state-of-the-art\nmodel"]);
    expect(cleanPages(["a peer-to-\npeer network"])).toEqual(["a peer-to-peer\nnetwork"]);
  });

  it("lets the document's own spelling decide between joining and keeping the hyphen", () => {
    const pages = ["The well-known result is well-known.\nIt is well-\nknown indeed."];
    expect(cleanPages(pages)).toEqual(["The well-known result is well-known.\nIt is well-known\nindeed."]);
  });

  it("does not touch hyphens that are not at a line break, nor capitalised continuations", () => {
    expect(cleanPages(["non-trivial and semi-\nSupervised"])).toEqual(["non-trivial and semi-\nSupervised"]);
  });

  it("joins a word broken across a page break", () => {
    expect(cleanPages(["end of the page with a hyphen-\n", "ated word starts here."])).toEqual([
      "end of the page with a hyphenated",
      "word starts here.",
    ]);
  });

  it("drops a line that gave away its only word", () => {
    expect(cleanPages(["first compu-\ntation\nnext line"])).toEqual(["first computation\nnext line"]);
  });

  it("always joins at a soft hyphen", () => {
    expect(cleanPages(["auto\u00ADmatic and auto\u00AD\nmation"])).toEqual(["automatic and automation"]);
  });
});

describe("normalizeText", () => {
  it("expands ligatures, including old TeX ligature slots between letters", () => {
    expect(normalizeText("ﬁnd the ﬂow, e\x0Ecient")).toBe("find the flow, efficient");
  });

  it("turns exotic spaces into spaces and removes invisible and control characters", () => {
    expect(normalizeText("a\u00A0b\u2009c\u200Bd\x02e\uE09Ef")).toBe("a b cdef");
  });

  it("combines accent glyphs that LaTeX fonts draw separately", () => {
    expect(normalizeText("Gr ´egory and Franc¸ois")).toBe("Grégory and François");
  });

  it("collapses runs of spaces and trims line ends", () => {
    expect(normalizeText("  a   b  \n c ")).toBe("a b\nc");
  });
});

describe("cleanPages whitespace", () => {
  it("collapses runs of empty lines and trims pages", () => {
    expect(cleanPages(["\n\none\n\n\n\n\ntwo\n\n"])).toEqual(["one\n\ntwo"]);
  });
});
