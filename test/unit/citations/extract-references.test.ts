import { describe, expect, it } from "vitest";
import { extractReferences } from "../../../src/citations/extract-references.ts";

const BODY = "We build on prior work [1] and extend it [2].\nThe method is simple and the results are good.";

describe("extractReferences with a References heading", () => {
  it("splits numbered entries, joining their lines, and reads their fields", () => {
    const pages = [
      `# A Paper\n\n${BODY}`,
      [
        "## References",
        '[1] W. Dai, "b-money," http://www.weidai.com/bmoney.txt, 1998.',
        '[2] S. Haber, W.S. Stornetta, "How to time-stamp a digital document," In Journal of\nCryptology, vol 3, no 2, pages 99-111, 1991. doi:10.1007/BF00196791.',
        "[3] A. Author. Deep things. arXiv:2101.01234v2, 2021.",
      ].join("\n\n"),
    ];
    const entries = extractReferences(pages);
    expect(entries.map((entry) => entry.label)).toEqual(["1", "2", "3"]);
    expect(entries[1]).toMatchObject({
      index: 1,
      title: "How to time-stamp a digital document",
      year: 1991,
      doi: "10.1007/bf00196791",
      authors: ["S. Haber", "W.S. Stornetta"],
    });
    expect(entries[1]!.raw).toContain("In Journal of Cryptology");
    expect(entries[2]).toMatchObject({ arxivId: "2101.01234", year: 2021, title: "Deep things" });
  });

  it("is not fooled by a table-of-contents line or by appendices after the bibliography", () => {
    const pages = [
      "# Contents\n\n1 Introduction 2\n\nReferences 14\n\nAppendix 15",
      `## 1 Introduction\n\n${BODY}`,
      [
        "## References",
        "[1] A. Smith. A first paper. Journal of Examples, 2001.",
        "[2] B. Jones. A second paper. In Proc. of Examples, 2002.",
        "## A Appendix",
        "Here we describe the dataset in more detail, as we promised in the paper.",
        "Bibliography 96.5",
        "| Bibliography | 12 |",
      ].join("\n\n"),
    ];
    const entries = extractReferences(pages);
    expect(entries.map((entry) => entry.raw)).toEqual([
      "[1] A. Smith. A first paper. Journal of Examples, 2001.",
      "[2] B. Jones. A second paper. In Proc. of Examples, 2002.",
    ]);
  });

  it("splits unlabelled author-year entries by paragraph and by lines that start an author list", () => {
    const pages = [
      `${BODY}\n\n### References\n\nAgichtein, E., and Gravano, L. 2000. Snowball: Extracting\nRelations from Large Plain-Text Collections. In Proceedings of DL.\nBanko, M., and Etzioni, O. 2008. The Tradeoffs Between\nOpen and Traditional Relation Extraction. In Proceedings of ACL.`,
      // The page break cut the next entry before its title; the cut must be healed.
      "Sanjeev Arora, Yingyu Liang, and Tengyu Ma. 2017.",
      "A simple but tough-to-beat baseline for sentence embeddings.\nIn ICLR.\n\nOren Etzioni. 2011. Search needs a shake-up. Nature 476:25–26.",
    ];
    const entries = extractReferences(pages);
    expect(entries.map((entry) => entry.title)).toEqual([
      "Snowball: Extracting Relations from Large Plain-Text Collections",
      "The Tradeoffs Between Open and Traditional Relation Extraction",
      "A simple but tough-to-beat baseline for sentence embeddings",
      "Search needs a shake-up",
    ]);
    expect(entries.map((entry) => entry.year)).toEqual([2000, 2008, 2017, 2011]);
    expect(entries[2]!.authors).toEqual(["Sanjeev Arora", "Yingyu Liang", "Tengyu Ma"]);
    expect(entries.every((entry) => entry.label === "")).toBe(true);
  });

  it("stops at author bios that follow the bibliography", () => {
    const pages = [
      `${BODY}\n\n## References\n\nSmith, J. 2001. A paper. In Proceedings of Things.\n\nJones, K. 2002. Another paper. Journal of Stuff.\n\nJohn Smith is a professor of computer science. He received his PhD from MIT in 1990.`,
    ];
    expect(extractReferences(pages).map((entry) => entry.year)).toEqual([2001, 2002]);
  });
});

describe("extractReferences without a heading or out of order", () => {
  it("finds a numbered bibliography that has no heading", () => {
    const entries = [1, 2, 3, 4].map((n) => `[${n}] Author ${n}, Phys. Rev. D ${n}0, 10${n} (200${n}).`);
    const pages = [`${BODY}\n\nWe thank our funders.`, entries.join("\n\n")];
    expect(extractReferences(pages).map((entry) => entry.label)).toEqual(["1", "2", "3", "4"]);
  });

  it("follows the numbering past body text that the reading order put in between", () => {
    const pages = [
      [
        "## References",
        "[1] A. One. First. J. Ex., 2001.",
        "[2] B. Two. Second. J. Ex., 2002.",
        "The most promising feature of the model is discussed at length in this conclusion, which continues here.",
        "[4]. And all curves were compared with the data.",
        "[3] C. Three. Third. J. Ex., 2003.",
        "[4] D. Four. Fourth. J. Ex., 2004.",
      ].join("\n\n"),
    ];
    const entries = extractReferences(pages);
    expect(entries.map((entry) => entry.label)).toEqual(["1", "2", "3", "4"]);
    expect(entries[1]!.raw).toBe("[2] B. Two. Second. J. Ex., 2002.");
  });

  it("picks up numbered entries that text order put before the heading", () => {
    const pages = [
      `${BODY}\n\n1. A. One. First work. J. Ex., 2001.\n\n2. B. Two. Second work. J. Ex., 2002.`,
      "### References\n\n3. C. Three. Third work. J. Ex., 2003.\n\n4. D. Four. Fourth work. J. Ex., 2004.",
    ];
    expect(extractReferences(pages).map((entry) => entry.title)).toEqual([
      "First work",
      "Second work",
      "Third work",
      "Fourth work",
    ]);
  });

  it("does not take a numbered list in the body for a bibliography", () => {
    const pages = ["Our contributions:\n\n1. A new method.\n\n2. A new dataset.\n\n3. An evaluation.\n\nThat is all."];
    expect(extractReferences(pages)).toEqual([]);
  });
});
