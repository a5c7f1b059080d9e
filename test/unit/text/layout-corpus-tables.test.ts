/**
 * Ruled tables on corpus papers, through the real extractor and the document's layout: tables
 * between horizontal rules only, full grids, frames ruled between columns only, and drawings
 * whose rules are no table.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openDocument } from "../../../src/pdf/pdfjs-document-loader.ts";
import type { ExtractedPage } from "../../../src/pdf/pdf-types.ts";
import { extractPage } from "../../../src/pdf/text-extractor.ts";
import { layoutDocumentToMarkdown } from "../../../src/text/layout-to-markdown.ts";

const papers = fileURLToPath(new URL("../../../../shared/corpus/papers/", import.meta.url));
const available = existsSync(papers);
if (!available) console.warn(`[layout-corpus-tables] skipped: corpus not found at ${papers}`);

/** The markdown of every page of a corpus paper, laid out as one document. */
async function paperMarkdown(name: string): Promise<string[]> {
  const { task, doc } = await openDocument(new Uint8Array(readFileSync(`${papers}${name}`)), { maxPages: 100, maxImagePixels: 40_000_000 });
  try {
    const pages: ExtractedPage[] = [];
    for (let n = 1; n <= doc.numPages; n++) pages.push(await extractPage(doc, n));
    return layoutDocumentToMarkdown(pages);
  } finally {
    await task.destroy();
  }
}

function tableCount(markdown: string): number {
  return markdown.match(/^\| --- /gm)?.length ?? 0;
}

describe.skipIf(!available)("ruled tables on corpus papers", () => {
  it("reads SPECTER's table set between horizontal rules, numbers a word space apart", async () => {
    const pages = await paperMarkdown("s2-specter-2020.pdf");
    expect(pages[7]).toContain("| Training signal | CLS | USR | CITE | REC | All |");
    expect(pages[7]).toContain("| SciBERT fine-tune on co-citation | 82.9 | 84.3 | 85.2 | 36.6 | 76.4 |");
    // Page 2's triplet-loss equation has fraction bars and brackets, and no table.
    expect(tableCount(pages[1]!)).toBe(0);
  });

  it("reads the H pylori study tables with their wrapped column heads", async () => {
    const pages = await paperMarkdown("gt-cermine-hpylori-anaemia-2010.pdf");
    expect(pages[1]).toContain("| Reference | Year of publication | Age group | Country | Participants |");
    expect(pages[1]).toContain("| South Korea | 13 | B+A+M | Histology | Marked anaemia | Sequential |");
    expect(pages[2]).toContain("| Bismuth | 20.73 | 7.85 to 33.61 | 1.48 | 0.02 |");
  });

  it("reads ReVerb's grid table and its frame ruled between columns only", async () => {
    const pages = await paperMarkdown("oie-fader-reverb-2011.pdf");
    expect(pages[1]).toContain("| The guide contains dead links and omits sites. | contains omits |");
    expect(pages[1]).toContain("| made | made a deal with, made a promise to |");
  });

  it("leaves Bitcoin's transaction diagram, boxes joined by arrows, as text", async () => {
    const pages = await paperMarkdown("cc-bitcoin-2008.pdf");
    expect(tableCount(pages[1]!)).toBe(0);
    expect(pages[1]).toContain("Transaction");
  });

  it("leaves TraceMonkey's framed figures and diagrams as text", async () => {
    const pages = await paperMarkdown("gt-tracemonkey-2009.pdf");
    expect(tableCount(pages[1]!)).toBe(0);
    expect(tableCount(pages[5]!)).toBe(0);
  });
});
