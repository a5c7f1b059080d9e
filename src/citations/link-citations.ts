import type { ReferenceEntry } from "./extract-references.ts";
import { squash, titleMatchScore, titleWords } from "./title-match.ts";

/** A document of one batch as citation linking sees it. */
export interface BatchDocument {
  documentId: string;
  title: string;
  authors?: string[];
  year?: number;
  /** The document's own DOI / arXiv id, when known; references carrying it link for certain. */
  doi?: string;
  arxivId?: string;
  references: readonly Pick<ReferenceEntry, "index" | "raw" | "title" | "year" | "doi" | "arxivId">[];
}

/** A reference of one document that names another document of the same batch. */
export interface CitationEdge {
  fromDocumentId: string;
  toDocumentId: string;
  /** `index` of the reference in the citing document's bibliography. */
  referenceIndex: number;
  /** 0..1; 1 for identifier matches. */
  confidence: number;
  matchedBy: "doi" | "arxiv" | "title";
}

/** Options of linkCitations. */
export interface LinkOptions {
  /** Edges below this confidence are dropped. Default 0.6. */
  minConfidence?: number;
}

type Reference = BatchDocument["references"][number];

function normalizeId(id: string | undefined): string | undefined {
  return id?.trim().toLowerCase().replace(/^https?:\/\/(?:dx\.)?doi\.org\//, "").replace(/v\d+$/, "") || undefined;
}

/** How well the reference names the document by title, 0 when it does not. */
function titleConfidence(target: BatchDocument, reference: Reference): number {
  let score = titleMatchScore(target.title, reference.raw);
  // References often drop a subtitle: "The PageRank citation ranking" for the full title.
  const main = target.title.split(/:\s/)[0]!;
  if (score === 0 && main !== target.title && titleWords(main).length >= 3) {
    score = 0.9 * titleMatchScore(main, reference.raw);
  }
  if (score === 0) return 0;
  // A longer parsed title that contains this one is another paper ("X: a survey" is not "X").
  if (reference.title) {
    const own = squash(target.title).chars;
    const cited = squash(reference.title).chars;
    if (cited.includes(own) && cited.length > own.length * 1.3) return 0;
  }
  let confidence = 0.9 * score;
  // The year breaks ties and adds certainty, but citing papers get years wrong often enough
  // (a 1992 for a 1994 report) that a mismatch only lowers confidence.
  if (target.year !== undefined && reference.year !== undefined) {
    confidence += Math.abs(target.year - reference.year) <= 1 ? 0.08 : -0.15;
  }
  if (target.authors && target.authors.length > 0) {
    const raw = squash(reference.raw).chars;
    const surnames = target.authors.map((name) => squash(name.split(/\s+/).at(-1) ?? "").chars);
    const found = surnames.some((surname) => surname.length >= 3 && raw.includes(surname));
    confidence += found ? 0.02 : -0.1;
  }
  return Math.max(0, Math.min(0.99, confidence));
}

function identifierMatch(target: BatchDocument, reference: Reference): CitationEdge["matchedBy"] | undefined {
  const doi = normalizeId(target.doi);
  if (doi && normalizeId(reference.doi) === doi) return "doi";
  const arxiv = normalizeId(target.arxivId);
  if (arxiv && normalizeId(reference.arxivId) === arxiv) return "arxiv";
  return undefined;
}

/**
 * Links the references of a batch's documents to the other documents of the batch: by DOI or
 * arXiv id when both sides have one, otherwise by finding the document's title as a whole,
 * punctuation-bounded title inside the reference (near-exact, so a different paper with a
 * similar title does not match), with year and authors adjusting confidence. Each reference
 * links to at most one document; self-references are ignored. Output is sorted.
 */
export function linkCitations(documents: readonly BatchDocument[], options: LinkOptions = {}): CitationEdge[] {
  const minConfidence = options.minConfidence ?? 0.6;
  const edges: CitationEdge[] = [];
  const words = new Map(documents.map((document) => [document.documentId, new Set(titleWords(document.title))]));
  for (const citing of documents) {
    for (const reference of citing.references) {
      const referenceWords = new Set(titleWords(reference.raw));
      let best: CitationEdge | undefined;
      for (const target of documents) {
        if (target.documentId === citing.documentId) continue;
        const byId = identifierMatch(target, reference);
        let edge: CitationEdge | undefined;
        if (byId) {
          edge = { fromDocumentId: citing.documentId, toDocumentId: target.documentId, referenceIndex: reference.index, confidence: 1, matchedBy: byId };
        } else {
          // Cheap filter before the approximate search: most title words must be present.
          const targetWords = [...words.get(target.documentId)!];
          const present = targetWords.filter((word) => referenceWords.has(word)).length;
          if (targetWords.length === 0 || present < targetWords.length * 0.5) continue;
          const confidence = titleConfidence(target, reference);
          if (confidence < minConfidence) continue;
          edge = { fromDocumentId: citing.documentId, toDocumentId: target.documentId, referenceIndex: reference.index, confidence, matchedBy: "title" };
        }
        if (!best || edge.confidence > best.confidence) best = edge;
      }
      if (best) edges.push(best);
    }
  }
  return edges.sort(
    (a, b) =>
      a.fromDocumentId.localeCompare(b.fromDocumentId) ||
      a.referenceIndex - b.referenceIndex ||
      a.toDocumentId.localeCompare(b.toDocumentId),
  );
}
