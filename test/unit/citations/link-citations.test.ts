import { describe, expect, it } from "vitest";
import { linkCitations, type BatchDocument } from "../../../src/citations/link-citations.ts";

function doc(documentId: string, title: string, raws: string[], extra: Partial<BatchDocument> = {}): BatchDocument {
  return { documentId, title, references: raws.map((raw, index) => ({ index, raw })), ...extra };
}

describe("linkCitations", () => {
  it("links a reference that carries another document's title", () => {
    const edges = linkCitations([
      doc("bitcoin", "Bitcoin: A Peer-to-Peer Electronic Cash System", []),
      doc("ppcoin", "PPCoin: Peer-to-Peer Crypto-Currency with Proof-of-Stake", [
        "Babaioff M. et al. (2011): On Bitcoin and red balloons.",
        "Nakamoto S. (2008): Bitcoin: A peer-to-peer electronic cash system. (http://www.bitcoin.org/bitcoin.pdf)",
      ]),
    ]);
    expect(edges).toEqual([
      { fromDocumentId: "ppcoin", toDocumentId: "bitcoin", referenceIndex: 1, confidence: 0.9, matchedBy: "title" },
    ]);
  });

  it("tolerates hyphenation leftovers and lost spaces in the reference", () => {
    const edges = linkCitations([
      doc("specter", "SPECTER: Document-level Representation Learning using Citation-informed Transformers", []),
      doc("citing", "Another Paper About Things", [
        "Arman Cohan et al. 2020. SPECTER: Document- level Representation Learning using Citationinformed Transformers. In ACL.",
      ]),
    ]);
    expect(edges.map((edge) => edge.toDocumentId)).toEqual(["specter"]);
  });

  it("does not link a different paper whose title contains or resembles the document's", () => {
    const edges = linkCitations([
      doc("banko", "Open Information Extraction from the Web", []),
      doc("pagerank", "The PageRank Citation Ranking: Bringing Order to the Web", []),
      doc("citing", "A Survey", [
        "O. Etzioni et al. 2011. Open information extraction: The second generation. In IJCAI.",
        "A. Person. 2015. Open information extraction from the web: a survey of methods. ACM CSUR.",
        "J. Doe. 2010. Open information extraction from the web pages of universities. In Proc. X.",
        "S. Brin and L. Page. 1998. The anatomy of a large-scale hypertextual web search engine. In WWW.",
      ]),
    ]);
    expect(edges).toEqual([]);
  });

  it("links by DOI or arXiv id whatever the title says", () => {
    const edges = linkCitations([
      doc("a", "Paper A", [], { doi: "https://doi.org/10.1000/ABC" }),
      doc("b", "Paper B", [], { arxivId: "2104.08809v2" }),
      doc("citing", "Citing", []),
    ].map((d) =>
      d.documentId === "citing"
        ? {
            ...d,
            references: [
              { index: 0, raw: "Somebody. Something else entirely. 2020.", doi: "10.1000/abc" },
              { index: 1, raw: "Someone. A preprint. 2021.", arxivId: "2104.08809" },
            ],
          }
        : d,
    ));
    expect(edges.map((edge) => [edge.toDocumentId, edge.matchedBy, edge.confidence])).toEqual([
      ["a", "doi", 1],
      ["b", "arxiv", 1],
    ]);
  });

  it("uses the year to choose between documents with the same title", () => {
    const title = "Deep Learning for Widgets";
    const edges = linkCitations([
      doc("conference", title, [], { year: 2018 }),
      doc("journal", title, [], { year: 2020 }),
      doc("citing", "Citing", []),
    ].map((d) =>
      d.documentId === "citing" ? { ...d, references: [{ index: 0, raw: `A. Author. 2020. ${title}. Journal of Widgets.`, year: 2020 }] } : d,
    ));
    expect(edges.map((edge) => edge.toDocumentId)).toEqual(["journal"]);
  });

  it("still links a reference with a wrong year, with less confidence", () => {
    const okapi = (year: number) =>
      linkCitations([
        doc("okapi", "Okapi at TREC-3", [], { year: 1994 }),
        { ...doc("citing", "Citing", []), references: [{ index: 0, raw: `S. E. Robertson et al. ${year}. Okapi at TREC-3. In TREC-3.`, year }] },
      ]);
    const [right] = okapi(1994);
    const [wrong] = okapi(1992);
    expect(right!.toDocumentId).toBe("okapi");
    expect(wrong!.toDocumentId).toBe("okapi");
    expect(wrong!.confidence).toBeLessThan(right!.confidence);
  });

  it("links a reference that drops the subtitle, with less confidence", () => {
    const [edge] = linkCitations([
      doc("pagerank", "The PageRank Citation Ranking: Bringing Order to the Web", []),
      doc("citing", "Citing", ["L. Page et al. The PageRank citation ranking. Tech. report, 1998."]),
    ]);
    expect(edge).toMatchObject({ toDocumentId: "pagerank", matchedBy: "title" });
    expect(edge!.confidence).toBeLessThan(0.9);
  });

  it("ignores a document's reference to itself", () => {
    const title = "Self Citing Paper About Widgets";
    expect(linkCitations([doc("self", title, [`Me. 2020. ${title}. In Proc.`])])).toEqual([]);
  });
});
