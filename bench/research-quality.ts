/**
 * Research quality and cost on ../shared/corpus/papers, computed directly on the text the
 * pipeline would have (pdf.js text layer -> layout markdown -> cleaned pages), without a
 * database: within-batch citation precision/recall, reference counts within 10 %, entity and
 * topic results against bench/research-quality/papers-research-truth.json, and what the
 * research work adds to a 50-paper batch (the 30 papers plus 20 of them again) measured on the
 * text work alone (bench/research-cost.ts measures it on a real server's wall time).
 *
 *   npm run bench -- research-quality
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { extractReferences } from "../src/citations/extract-references.ts";
import { linkCitations } from "../src/citations/link-citations.ts";
import { clusterEntities } from "../src/research/entity-clustering.ts";
import { extractEntityMentions } from "../src/research/entity-mentions.ts";
import { extractPaperMetadata } from "../src/research/paper-metadata.ts";
import { clusterTopics } from "../src/research/topic-clustering.ts";
import { chunkMarkdownPages } from "../src/text/chunk-text.ts";
import { cleanPages } from "../src/text/clean-pages.ts";
import { layoutDocumentToMarkdown } from "../src/text/layout-to-markdown.ts";
import { embedLocal } from "../src/text/local-embedding.ts";
import { readPdfTextLayers } from "../test/integration/citations/pdf-text-layer.ts";
import { emitBenchResult } from "./bench-output.ts";
import { citationScores, entityScores, readPaperRows, readResearchTruth, referenceCountScore, topicScores } from "./research-quality/research-scores.ts";

const corpusDir = path.resolve(fileURLToPath(new URL("../", import.meta.url)), "../shared/corpus/papers");
if (!existsSync(path.join(corpusDir, "papers.tsv"))) {
  console.error(`research-quality: corpus not found at ${corpusDir}`);
  process.exit(2);
}
const rows = readPaperRows(corpusDir);
const BATCH = 50;

// The pipeline's own work per paper up to EMBED (text layer, layout, clean, chunk, local embeddings), timed.
let pipelineMs = 0;
const papers: { row: (typeof rows)[number]; pages: string[]; chunks: { text: string }[]; vectors: number[][] }[] = [];
for (const row of rows) {
  const started = performance.now();
  const pages = cleanPages(layoutDocumentToMarkdown(await readPdfTextLayers(path.join(corpusDir, row.file))));
  const chunks = chunkMarkdownPages(pages);
  const vectors = embedLocal(chunks.map((chunk) => chunk.text));
  pipelineMs += performance.now() - started;
  papers.push({ row, pages, chunks, vectors });
}

// What CITATIONS adds per paper, and the relinking of the batch each finished paper triggers.
const research = (id: string, pages: string[]) => ({
  id,
  metadata: extractPaperMetadata(pages[0] ?? ""),
  references: extractReferences(pages),
  mentions: extractEntityMentions(pages),
});
const batch = Array.from({ length: BATCH }, (_unused, index) => ({ ...papers[index % papers.length]!, copy: Math.floor(index / papers.length) }));
const researchStarted = performance.now();
const results: ReturnType<typeof research>[] = [];
for (const paper of batch) {
  const result = research(`${paper.row.id}#${paper.copy}`, paper.pages);
  results.push(result);
  linkCitations(results.map((done) => ({ documentId: done.id, title: done.metadata.title ?? "", ...(done.metadata.doi ? { doi: done.metadata.doi } : {}), references: done.references })));
}
const researchMs = performance.now() - researchStarted;
const batchPipelineMs = (pipelineMs / papers.length) * BATCH;

// Quality on the 30 distinct papers.
const own = results.slice(0, papers.length);
const edges = linkCitations(own.map((paper) => ({ documentId: paper.id, title: paper.metadata.title ?? "", ...(paper.metadata.doi ? { doi: paper.metadata.doi } : {}), references: paper.references })));
const paperId = (id: string) => id.replace(/#\d+$/, "");
const citations = citationScores(rows, edges.map((edge) => ({ from: paperId(edge.fromDocumentId), to: paperId(edge.toDocumentId) })));
const counts = referenceCountScore(rows, new Map(own.map((paper) => [paperId(paper.id), paper.references.length])));
const truth = readResearchTruth();
const clusters = clusterEntities(
  "bench",
  own.flatMap((paper) => paper.mentions.map((mention) => ({ ...mention, documentId: paperId(paper.id), acronym: mention.acronym ?? null }))),
);
const entities = entityScores(truth, clusters.map((cluster) => ({ name: cluster.name, aliases: cluster.aliases, papers: cluster.documentIds })));
const topics = clusterTopics(papers.map((paper) => ({ documentId: paper.row.id, vectors: paper.vectors, text: paper.chunks.map((chunk) => chunk.text).join("\n") })));
const topicScore = topicScores(truth, topics.map((topic) => ({ papers: topic.documentIds })));

for (const [label, list] of [["missing links", citations.missing], ["wrong links", citations.wrong], ["reference counts off", counts.off], ["missing entities", entities.missing]] as const) {
  if (list.length) console.error(`${label}: ${list.join(", ")}`);
}
await emitBenchResult(
  "research-quality",
  [
    { name: "citationPrecision", value: citations.precision, unit: "", reference: 0.98, referenceLabel: "target >=", higherIsBetter: true },
    { name: "citationRecall", value: citations.recall, unit: "", reference: 0.96, referenceLabel: "target >=", higherIsBetter: true },
    { name: "referenceCountsWithin10pct", value: counts.within10, unit: "of papers", reference: 0.92, referenceLabel: "target >=", higherIsBetter: true },
    { name: "entityRecall", value: entities.recall, unit: "", reference: 0.9, referenceLabel: "truth file, target >=", higherIsBetter: true },
    { name: "sameEntityPairsJoined", value: entities.sameAccuracy, unit: "", reference: 1, referenceLabel: "truth file", higherIsBetter: true },
    { name: "differentEntityPairsApart", value: entities.differentAccuracy, unit: "", reference: 1, referenceLabel: "truth file", higherIsBetter: true },
    // The goal the end-to-end test holds.
    { name: "topicPairPrecision", value: topicScore.pairPrecision, unit: "", reference: 0.8, referenceLabel: "truth groups, target >=", higherIsBetter: true },
    { name: "topicPairRecall", value: topicScore.pairRecall, unit: "", reference: 0.5, referenceLabel: "truth groups, target >=", higherIsBetter: true },
    { name: "researchShareOf50PaperBatch", value: researchMs / batchPipelineMs, unit: "of text+embed time", reference: 0.1, referenceLabel: "target <=", higherIsBetter: false },
  ],
  { papers: rows.length, batchOf: BATCH, topics: topics.length, researchMs: Math.round(researchMs), pipelineTextMsFor50: Math.round(batchPipelineMs) },
);
