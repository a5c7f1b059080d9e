import { splitMarkdownBlocks } from "./markdown-blocks.ts";
import { splitSentences } from "./sentence-split.ts";
import { textRank, tfidfVectors, sparseCosine } from "./text-rank.ts";
import { countTokens } from "./token-count.ts";
import { contentTerms } from "./word-terms.ts";

/** Options of summarizeExtractive. */
export interface SummaryOptions {
  /** Most sentences in the summary. Default 5. */
  maxSentences?: number;
  /** Token budget of the summary (o200k_base). Sentences that would exceed it are skipped. */
  maxTokens?: number;
}

/** A sentence chosen for the summary. */
export interface SummarySentence {
  /** Position among the document's candidate sentences. */
  index: number;
  text: string;
  score: number;
}

/** An extractive summary: chosen sentences in document order. */
export interface ExtractiveSummary {
  text: string;
  sentences: SummarySentence[];
  tokenCount: number;
}

// Past this many candidate sentences the tail of a long document is not ranked: summaries of
// papers and reports come from their beginning and middle, and the graph stays small. Ranking
// runs on the event loop; at 1500 a dense 300-page document blocked it for 3.6 s, at 400 0.5 s.
const MAX_CANDIDATES = 400;
// Reading stops at the bibliography: references are not content.
const BIBLIOGRAPHY = /^(?:\d+\.?\s+)?(?:references|bibliography|literature cited|works cited)$/i;

const LONG_RUN_WORDS = 60;
const PIECE_WORDS = 30;

/**
 * Text without sentence punctuation (slides, forms, OCR) comes out as one endless "sentence".
 * Cut such runs into pieces of about PIECE_WORDS words so a document with text always has
 * candidates, instead of an empty summary.
 */
function piecesOfLongRun(sentence: string): string[] {
  const words = sentence.split(/\s+/).filter(Boolean);
  if (words.length <= LONG_RUN_WORDS) return [sentence];
  const pieces: string[] = [];
  for (let start = 0; start < words.length; start += PIECE_WORDS) pieces.push(words.slice(start, start + PIECE_WORDS).join(" "));
  // A short tail would be dropped as a fragment; fold it into the previous piece.
  if (pieces.length > 1 && pieces.at(-1)!.split(" ").length < 6) pieces.splice(-2, 2, `${pieces.at(-2)} ${pieces.at(-1)}`);
  return pieces;
}

interface Candidate {
  text: string;
  paragraph: number;
  firstInParagraph: boolean;
}

function candidateSentences(pages: readonly string[]): Candidate[] {
  const candidates: Candidate[] = [];
  let paragraph = 0;
  for (const block of splitMarkdownBlocks(pages)) {
    if (block.headingLevel > 0) {
      if (BIBLIOGRAPHY.test(block.text.replace(/\*\*/g, "").trim())) break;
      continue;
    }
    const text = block.text.replace(/\*\*/g, "").replace(/^[-*] |^\d+\. /gm, "");
    const sentences = splitSentences(text).flatMap(piecesOfLongRun);
    sentences.forEach((sentence, position) => {
      const wordCount = sentence.split(" ").length;
      const letters = sentence.replace(/[^\p{L}]/gu, "").length;
      // Fragments, table rows and formulas make poor summary sentences.
      if (wordCount < 6 || wordCount > 60 || letters < 0.6 * sentence.replace(/\s/g, "").length) return;
      candidates.push({ text: sentence, paragraph, firstInParagraph: position === 0 });
    });
    paragraph++;
    if (candidates.length >= MAX_CANDIDATES) break;
  }
  return candidates;
}

/**
 * Extractive summary of a document's markdown (one string or one per page): TextRank over
 * TF-IDF sentence similarity, a bonus for early sentences and paragraph openings, and a
 * redundancy penalty while picking (MMR). Deterministic; sentences keep document order.
 */
export function summarizeExtractive(markdown: string | readonly string[], options: SummaryOptions = {}): ExtractiveSummary {
  const maxSentences = options.maxSentences ?? 5;
  const candidates = candidateSentences(typeof markdown === "string" ? [markdown] : markdown);
  if (candidates.length === 0 || maxSentences <= 0) return { text: "", sentences: [], tokenCount: 0 };
  const vectors = tfidfVectors(candidates.map((candidate) => contentTerms(candidate.text)));
  const ranks = textRank(vectors);
  const maxRank = Math.max(...ranks);
  const paragraphs = candidates.at(-1)!.paragraph + 1;
  const scores = candidates.map((candidate, i) => {
    const early = 0.3 * Math.exp(-candidate.paragraph / Math.max(3, paragraphs * 0.1));
    return ranks[i]! / maxRank + early + (candidate.firstInParagraph ? 0.1 : 0);
  });
  const chosen: number[] = [];
  let tokens = 0;
  const remaining = new Set(candidates.keys());
  // Each pick scans every candidate; a tight token budget must not turn that quadratic.
  let attempts = maxSentences * 20;
  while (chosen.length < maxSentences && remaining.size > 0 && attempts-- > 0) {
    let best = -1;
    let bestValue = -Infinity;
    for (const i of remaining) {
      const redundancy = Math.max(0, ...chosen.map((j) => sparseCosine(vectors[i]!, vectors[j]!)));
      const value = scores[i]! - 0.7 * redundancy;
      if (value > bestValue) [best, bestValue] = [i, value];
    }
    remaining.delete(best);
    const cost = countTokens(candidates[best]!.text) + (chosen.length > 0 ? 1 : 0);
    if (options.maxTokens !== undefined && tokens + cost > options.maxTokens) continue;
    chosen.push(best);
    tokens += cost;
  }
  chosen.sort((a, b) => a - b);
  const sentences = chosen.map((i) => ({ index: i, text: candidates[i]!.text, score: scores[i]! }));
  const text = sentences.map((sentence) => sentence.text).join(" ");
  return { text, sentences, tokenCount: countTokens(text) };
}
