import { describe, expect, it } from "vitest";
import { findArxivId, findDoi, parseReference, referenceSegments } from "../../../src/citations/parse-reference.ts";

describe("parseReference", () => {
  it("reads ACL-style author-year entries", () => {
    expect(
      parseReference("Iz Beltagy, Kyle Lo, and Arman Cohan. 2019. SciBERT: A pretrained language model for scientific text. In EMNLP."),
    ).toEqual({
      authors: ["Iz Beltagy", "Kyle Lo", "Arman Cohan"],
      year: 2019,
      title: "SciBERT: A pretrained language model for scientific text",
    });
  });

  it("reads IEEE-style entries with a quoted title", () => {
    expect(parseReference('S. Brin, L. Page, “Anatomy of a Large-Scale Hypertextual Web Search Engine,” Proc. 7th WWW, 1998.')).toEqual({
      authors: ["S. Brin", "L. Page"],
      year: 1998,
      title: "Anatomy of a Large-Scale Hypertextual Web Search Engine",
    });
  });

  it("reads 'Authors. Title. Venue, year.' entries and parenthesised years", () => {
    expect(parseReference("J. Kleinberg. Authoritative sources in a hyperlinked environment. In Proc. SODA, 1998.")).toMatchObject({
      title: "Authoritative sources in a hyperlinked environment",
      year: 1998,
    });
    expect(parseReference("Nakamoto S. (2008): Bitcoin: A peer-to-peer electronic cash system.")).toMatchObject({
      title: "Bitcoin: A peer-to-peer electronic cash system",
      year: 2008,
      authors: ["Nakamoto S"],
    });
  });

  it("does not take years from identifiers or page ranges before the real one", () => {
    expect(parseReference("A. Author. Title words here. doi:10.1000/2015.123, 2003.").year).toBe(2003);
  });
});

describe("identifiers", () => {
  it("finds DOIs without trailing punctuation, lower-cased", () => {
    expect(findDoi("see https://doi.org/10.18653/V1/2021.naacl-main.382.")).toBe("10.18653/v1/2021.naacl-main.382");
    expect(findDoi("no identifier")).toBeUndefined();
  });

  it("finds new and old arXiv ids without version", () => {
    expect(findArxivId("arXiv preprint arXiv:2104.08809v3")).toBe("2104.08809");
    expect(findArxivId("ArXiv, abs/1907.11692.")).toBe("1907.11692");
    expect(findArxivId("[arXiv:hep-th/9901001]")).toBe("hep-th/9901001");
    expect(findArxivId("published 2104.08809 copies")).toBeUndefined();
  });
});

describe("referenceSegments", () => {
  it("splits at sentence ends but not after initials or abbreviations", () => {
    expect(referenceSegments("J. R. Smith and K. Lee. A title. In Proc. of ACL, pp. 1-2.")).toEqual([
      "J. R. Smith and K. Lee.",
      "A title.",
      "In Proc. of ACL, pp. 1-2.",
    ]);
  });
});
