import { linkCitations } from "../../citations/link-citations.ts";
import { extractEntityMentions } from "../../research/entity-mentions.ts";
import { extractPaperMetadata, type PdfMetadata } from "../../research/paper-metadata.ts";
import { PaperStore, type BatchPaper } from "../../research/paper-store.ts";
import type { StageHandler } from "../stage-context.ts";

function toLinkable(paper: BatchPaper) {
  const { metadata } = paper;
  return {
    documentId: paper.documentId,
    title: metadata.title ?? "",
    ...(metadata.year ? { year: metadata.year } : {}),
    ...(metadata.doi ? { doi: metadata.doi } : {}),
    ...(metadata.arxivId ? { arxivId: metadata.arxivId } : {}),
    references: paper.references,
  };
}

/**
 * Reads the paper's metadata (first page + the PDF's metadata from VALIDATE), bibliography and
 * entity mentions, then publishes them and relinks the batch's citation network in one transaction fenced by
 * this attempt (see PaperStore.publish), so documents finishing together see each other and a
 * retry replaces what an earlier attempt wrote.
 */
export const citationsStage: StageHandler = async (context) => {
  const { deps, document, claim } = context;
  const pages = (await deps.pages.column(document.id, "cleaned")).map((page) => page.value);
  const pdf = (await deps.checkpoints.output<PdfMetadata>(document.id, "VALIDATE")) ?? {};
  const metadata = extractPaperMetadata(pages[0] ?? "", { ...(pdf.title ? { title: pdf.title } : {}), ...(pdf.info ? { info: pdf.info } : {}) });
  const references = (await deps.textWork.run("extractReferences", [pages], { signal: context.signal })).map(({ index, raw, title, year, doi, arxivId, authors }) => ({
    index,
    raw,
    authors: authors ?? [],
    ...(title ? { title } : {}),
    ...(year ? { year } : {}),
    ...(doi ? { doi } : {}),
    ...(arxivId ? { arxivId } : {}),
  }));
  const edges = await new PaperStore(deps.prisma).publish(claim, document.batchId, { metadata, references, mentions: extractEntityMentions(pages) }, (papers) =>
    linkCitations(papers.filter((paper) => paper.metadata.title).map(toLinkable)),
  );
  return { output: { title: metadata.title ?? null, references: references.length, linked: edges.length } };
};
