import { contentTerms } from "./word-terms.ts";

/** Default dimension of local embeddings (the size of small sentence-embedding models). */
export const LOCAL_EMBEDDING_DIMENSION = 384;

// Relative weight of each feature family: whole terms carry the meaning, term pairs add
// phrasing, and character trigrams let inflections and compounds ("embedding"/"embeddings",
// "pre-training"/"pretraining") meet.
const UNIGRAM_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.5;
const TRIGRAM_WEIGHT = 0.3;

/** 32-bit FNV-1a: small, fast and the same on every machine, which is all hashing needs. */
function fnv1a(text: string, seed = 0x811c9dc5): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function features(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string, weight: number) => counts.set(key, (counts.get(key) ?? 0) + weight);
  const terms = contentTerms(text);
  terms.forEach((term, i) => {
    add(`w:${term}`, UNIGRAM_WEIGHT);
    if (i > 0) add(`b:${terms[i - 1]} ${term}`, BIGRAM_WEIGHT);
    const padded = `^${term}$`;
    // Trigram weight is spread over the word so long words do not dominate.
    const trigrams = Math.max(1, padded.length - 2);
    for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, TRIGRAM_WEIGHT / Math.sqrt(trigrams));
  });
  return counts;
}

function embedOne(text: string, dimension: number): number[] {
  const vector = new Array<number>(dimension).fill(0);
  for (const [key, count] of features(text)) {
    const hash = fnv1a(key);
    // A second hash picks the sign so colliding features cancel out instead of piling up.
    const sign = fnv1a(key, 0x01000193) & 1 ? 1 : -1;
    // Sublinear TF: the tenth repetition of a word says less than the second.
    vector[hash % dimension]! += sign * (1 + Math.log1p(count));
  }
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector : vector.map((value) => value / norm);
}

/**
 * Deterministic local embeddings by feature hashing: stemmed content words, word bigrams and
 * character trigrams, sublinear term frequency, signed hashing into `dimension` slots, L2
 * normalised. Texts sharing vocabulary score a high cosine; an empty text is the zero vector.
 */
export function embedLocal(texts: readonly string[], dimension = LOCAL_EMBEDDING_DIMENSION): number[][] {
  if (!Number.isInteger(dimension) || dimension <= 0) throw new RangeError(`dimension must be a positive integer, got ${dimension}`);
  return texts.map((text) => embedOne(text, dimension));
}

/** Cosine similarity of two vectors of equal length; 0 when either is all zeros. */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new RangeError(`vector lengths differ: ${a.length} and ${b.length}`);
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
