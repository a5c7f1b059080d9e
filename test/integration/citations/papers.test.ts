import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { extractReferences, type ReferenceEntry } from "../../../src/citations/extract-references.ts";
import { guessDocumentTitle } from "../../../src/citations/guess-document-title.ts";
import { linkCitations, type CitationEdge } from "../../../src/citations/link-citations.ts";
import { squash } from "../../../src/citations/title-match.ts";
import { cleanPages } from "../../../src/text/clean-pages.ts";
import { layoutDocumentToMarkdown } from "../../../src/text/layout-to-markdown.ts";
import { readPdfTextLayers } from "./pdf-text-layer.ts";

// The corpus lives beside the checkout (../shared relative to the repository root).
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const corpusDir = path.resolve(repoRoot, "../shared/corpus/papers");
const haveCorpus = existsSync(path.join(corpusDir, "papers.tsv"));
if (!haveCorpus) console.warn(`[citations/papers] skipped: corpus not found at ${corpusDir}`);

interface PaperRow {
  file: string;
  id: string;
  expectedRefs: number;
  countMethod: string;
  citesInCorpus: string[];
}

interface Paper extends PaperRow {
  title: string | undefined;
  references: ReferenceEntry[];
}

// Files whose bibliography the README names as hard (missing heading, table of contents,
// entries before the heading, appendices after it, unusual layouts): each must be within
// tolerance on its own, not just on average.
const TRAP_FILES = [
  "gt-bosonic-dm-0908.0054-2009",
  "gt-jcap-0807.3577-2008",
  "oie-downey-sparse-ie-2007",
  "s2-papermage-2023",
  "s2-specter-2020",
  "s2-s2orc-2020",
  "s2-multi-lexsum-2022",
  "s2-paper-plain-2022",
  "ir-pagerank-1998",
  "oie-soderland-aimag-2010",
  "ir-okapi-trec3-1994",
  "cc-ppcoin-2012",
];

// Look-alike citations that must not become edges (README "Traps"), and the papers whose
// links must all be right: the two that cite look-alikes and the one citing with a wrong year.
const FORBIDDEN_EDGES = ["ir-hits-1999->ir-pagerank-1998", "oie-banko-openie-2007->oie-downey-sparse-ie-2007"];
const TRAP_CITERS = ["ir-hits-1999", "oie-banko-openie-2007", "oie-downey-sparse-ie-2007"];

// Truth files that list one title per reference, to check what the entries contain.
const TITLE_TRUTH: Record<string, string> = {
  "gt-cermine-hf-programmes-2010": "gt-cermine-hf-programmes-2010.cermine-expected-refs.tsv",
  "s2-literature-graph-2018": "s2-literature-graph-2018.grobid-output-refs.tsv",
  "s2-specter-2020": "s2-specter-2020.grobid-output-refs.tsv",
};

function readRows(): PaperRow[] {
  const [, ...lines] = readFileSync(path.join(corpusDir, "papers.tsv"), "utf8").trim().split("\n");
  return lines.map((line) => {
    const [file, , , refs, countMethod, cites] = line.split("\t") as [string, string, string, string, string, string?];
    return {
      file,
      id: file.replace(/\.pdf$/, ""),
      // "39 labels / 70 works": the labels are what a bibliography splitter sees.
      expectedRefs: Number.parseInt(refs, 10),
      countMethod,
      citesInCorpus: (cites ?? "").split(",").filter(Boolean).map((name) => name.replace(/\.pdf$/, "")),
    };
  });
}

function withinTolerance(found: number, expected: number): boolean {
  return Math.abs(found - expected) <= Math.max(1, Math.round(expected * 0.15));
}

describe.skipIf(!haveCorpus)("citations on the real papers corpus", () => {
  let papers: Paper[] = [];
  let edges: CitationEdge[] = [];

  beforeAll(async () => {
    papers = await Promise.all(
      readRows().map(async (row) => {
        const pages = cleanPages(layoutDocumentToMarkdown(await readPdfTextLayers(path.join(corpusDir, row.file))));
        return { ...row, title: guessDocumentTitle(pages[0] ?? ""), references: extractReferences(pages) };
      }),
    );
    // The titles are the ones guessed from each first page, as the pipeline would have them.
    edges = linkCitations(
      papers.map((paper) => ({ documentId: paper.id, title: paper.title ?? "", references: paper.references })),
    );
  }, 180_000);

  it("finds each paper's bibliography with about the right number of entries", () => {
    const rows = papers.map((paper) => {
      const found = paper.references.length;
      return {
        file: paper.id,
        method: paper.countMethod,
        expected: paper.expectedRefs,
        found,
        error: `${(((found - paper.expectedRefs) / paper.expectedRefs) * 100).toFixed(1)}%`,
        ok: withinTolerance(found, paper.expectedRefs),
      };
    });
    console.table(rows);
    const exact = rows.filter((row) => row.found === row.expected).length;
    const close = rows.filter((row) => row.ok).length;
    console.log(`reference counts: ${exact}/${rows.length} exact, ${close}/${rows.length} within 15%`);
    expect(close).toBeGreaterThanOrEqual(28);
    expect(exact).toBeGreaterThanOrEqual(25);
    for (const trap of TRAP_FILES) {
      const row = rows.find((candidate) => candidate.file === trap)!;
      expect(row.ok, `${trap}: expected ${row.expected}, found ${row.found}`).toBe(true);
    }
  });

  it("puts the cited titles inside the entries (where the truth lists titles)", () => {
    for (const [id, truthFile] of Object.entries(TITLE_TRUTH)) {
      const [, ...lines] = readFileSync(path.join(corpusDir, "truth", truthFile), "utf8").trim().split("\n");
      const titles = lines.map((line) => line.split("\t")[1] ?? "").filter((title) => title.length > 10);
      const entries = papers.find((paper) => paper.id === id)!.references.map((entry) => squash(entry.raw).chars);
      const found = titles.filter((title) => entries.some((raw) => raw.includes(squash(title).chars))).length;
      console.log(`${id}: ${found}/${titles.length} truth titles found inside extracted entries`);
      expect(found / titles.length).toBeGreaterThanOrEqual(0.85);
    }
  });

  it("links the batch's papers to the papers they cite", () => {
    const truth = new Set(papers.flatMap((paper) => paper.citesInCorpus.map((cited) => `${paper.id}->${cited}`)));
    const found = new Set(edges.map((edge) => `${edge.fromDocumentId}->${edge.toDocumentId}`));
    const truePositives = [...found].filter((edge) => truth.has(edge));
    const precision = found.size === 0 ? 1 : truePositives.length / found.size;
    const recall = truePositives.length / truth.size;
    console.table(
      [...new Set([...truth, ...found])].sort().map((edge) => ({
        edge,
        expected: truth.has(edge),
        found: found.has(edge),
      })),
    );
    console.log(`citation links: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)} (${truePositives.length}/${truth.size})`);
    for (const forbidden of FORBIDDEN_EDGES) expect(found.has(forbidden), forbidden).toBe(false);
    const fromTrapCiters = [...found].filter((edge) => TRAP_CITERS.some((citer) => edge.startsWith(`${citer}->`)));
    expect(fromTrapCiters.filter((edge) => !truth.has(edge)), "precision on the trap papers").toEqual([]);
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });

  it("guesses a title for every paper", () => {
    console.table(papers.map((paper) => ({ file: paper.id, title: paper.title })));
    expect(papers.filter((paper) => paper.title === undefined)).toEqual([]);
  });
});
