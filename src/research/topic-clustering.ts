import { kmeans } from "ml-kmeans";
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { contentTerms } from "../text/word-terms.ts";

/** One document as topic clustering sees it: its chunks' vectors and text. */
export interface TopicDocument {
  documentId: string;
  vectors: number[][];
  text: string;
}

export interface TopicClusterView {
  label: string;
  keywords: string[];
  documentIds: string[];
  /** Mean silhouette of the chosen clustering (the same for every cluster of one answer). */
  silhouette: number;
}

/**
 * What a document is compared by. "terms": tf-idf over its chunks' text, for the offline
 * provider, whose chunk embeddings are hashed bag-of-words (a lossy copy of the same terms).
 * "embeddings": the mean of its chunk embeddings, for a semantic embedding model, which
 * relates papers that share a subject but not their words.
 */
export type TopicRepresentation = "terms" | "embeddings";

const MAX_K = 10;
// Restarts per k: k-means++ depends on its seed; the best of a few is stable.
const SEEDS = [1, 2, 3, 4, 5];
const KEYWORDS = 6;
const SILHOUETTE_MARGIN = 0.01;

function normalise(vector: number[]): number[] {
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

/** A document's embedding: the normalised mean of its chunks' normalised embeddings. */
function documentVector(vectors: number[][]): number[] {
  const sum = new Array<number>(vectors[0]!.length).fill(0);
  for (const vector of vectors) normalise(vector).forEach((value, index) => (sum[index]! += value));
  return normalise(sum);
}

/**
 * Documents as L2-normalised tf-idf vectors (sublinear tf, smoothed idf) over the stemmed
 * terms that at least two documents share: a term only one paper uses cannot join it to
 * another, and over the whole vocabulary the comparison is exact, where hashed embeddings
 * fold thousands of terms into a few hundred dimensions. Sparse (term index -> weight); empty
 * when no term is shared.
 */
function tfidfVectors(termsOf: readonly string[][]): Map<number, number>[] {
  const documentFrequency = new Map<string, number>();
  for (const terms of termsOf) for (const term of new Set(terms)) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  const vocabulary = new Map([...documentFrequency].filter(([, count]) => count >= 2).map(([term], index) => [term, index]));
  if (vocabulary.size === 0) return [];
  return termsOf.map((terms) => {
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    const vector = new Map<number, number>();
    for (const [term, count] of counts) {
      const index = vocabulary.get(term);
      if (index !== undefined) vector.set(index, (1 + Math.log(count)) * Math.log((1 + termsOf.length) / (1 + documentFrequency.get(term)!)));
    }
    const norm = Math.hypot(...vector.values()) || 1;
    for (const [index, value] of vector) vector.set(index, value / norm);
    return vector;
  });
}

function sparseDot(a: Map<number, number>, b: Map<number, number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [index, value] of small) dot += value * (large.get(index) ?? 0);
  return dot;
}

/**
 * The documents centred on their mean and normalised, as coordinates in the n-dimensional
 * space they span: the eigenvectors of their Gram matrix scaled by the root of the eigenvalues
 * give points with exactly the same inner products (so the same k-means and silhouettes) as
 * the vocabulary-wide vectors, at n dimensions instead of tens of thousands.
 */
function centredPoints(vectors: readonly Map<number, number>[]): number[][] {
  const n = vectors.length;
  const gram = vectors.map((a) => vectors.map((b) => sparseDot(a, b)));
  const rowMean = gram.map((row) => row.reduce((sum, value) => sum + value, 0) / n);
  const total = rowMean.reduce((sum, value) => sum + value, 0) / n;
  const centred = gram.map((row, i) => row.map((value, j) => value - rowMean[i]! - rowMean[j]! + total));
  const length = centred.map((row, i) => Math.sqrt(Math.max(row[i]!, 0)) || 1);
  const cosine = new Matrix(centred.map((row, i) => row.map((value, j) => value / (length[i]! * length[j]!))));
  const eigen = new EigenvalueDecomposition(cosine, { assumeSymmetric: true });
  const scale = eigen.realEigenvalues.map((value) => Math.sqrt(Math.max(value, 0)));
  const vectorsOf = eigen.eigenvectorMatrix;
  return Array.from({ length: n }, (_row, i) => scale.map((factor, k) => vectorsOf.get(i, k) * factor));
}

function cosineDistance(a: number[], b: number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return 1 - dot;
}

/** Mean silhouette of an assignment under cosine distance (Rousseeuw 1987); singletons score 0. */
export function silhouette(points: number[][], assignment: number[]): number {
  const k = Math.max(...assignment) + 1;
  let total = 0;
  for (let i = 0; i < points.length; i++) {
    const sums = new Array<number>(k).fill(0);
    const counts = new Array<number>(k).fill(0);
    for (let j = 0; j < points.length; j++) {
      if (i === j) continue;
      sums[assignment[j]!]! += cosineDistance(points[i]!, points[j]!);
      counts[assignment[j]!]!++;
    }
    const own = assignment[i]!;
    if (counts[own] === 0) continue;
    const a = sums[own]! / counts[own]!;
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && counts[c]! > 0) b = Math.min(b, sums[c]! / counts[c]!);
    if (Number.isFinite(b)) total += (b - a) / Math.max(a, b);
  }
  return total / points.length;
}

/** Terms that are frequent in the cluster's documents and rare in the others (tf-idf over documents). */
function keywords(members: readonly TopicDocument[], all: readonly TopicDocument[], termsOf: Map<string, string[]>): string[] {
  const documentFrequency = new Map<string, number>();
  const termSets = new Map([...termsOf].map(([id, terms]) => [id, new Set(terms)]));
  for (const terms of termSets.values()) for (const term of terms) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  const scores = new Map<string, number>();
  for (const member of members) {
    const terms = termsOf.get(member.documentId)!;
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, count] of counts) {
      const idf = Math.log((all.length + 1) / (documentFrequency.get(term)! + 0.5));
      // Log-scaled frequency relative to length, so one long paper does not speak for the cluster.
      scores.set(term, (scores.get(term) ?? 0) + (Math.log1p(count) / Math.log1p(terms.length)) * idf);
    }
  }
  // A keyword should be shared by the cluster, not the quirk of one member.
  const shared = (term: string) => members.filter((member) => termSets.get(member.documentId)!.has(term)).length;
  return [...scores]
    .filter(([term]) => members.length < 2 || shared(term) >= 2)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, KEYWORDS)
    .map(([term]) => term);
}

/**
 * Groups documents by subject: k-means (ml-kmeans, k-means++) over each document's vector (see
 * TopicRepresentation; the mean chunk embedding also when no term is shared), with k from 2 to
 * 10 chosen by the best mean silhouette; each cluster gets tf-idf keywords and a label made of
 * its top three. Documents without embedded chunks are left out; fewer than three documents
 * make one topic.
 */
export function clusterTopics(documents: readonly TopicDocument[], representation: TopicRepresentation = "terms"): TopicClusterView[] {
  const usable = documents.filter((document) => document.vectors.length > 0 && document.vectors[0]!.length > 0);
  if (usable.length === 0) return [];
  const termsOf = new Map(usable.map((document) => [document.documentId, contentTerms(document.text).filter((term) => term.length > 2 && !/^\d+$/.test(term))]));
  const tfidf = representation === "terms" ? tfidfVectors(usable.map((document) => termsOf.get(document.documentId)!)) : [];
  // Centred on the batch's mean: what all papers share ("we propose", "results") says nothing about topics.
  const points = centredPoints(tfidf.length > 0 ? tfidf : usable.map((document) => new Map(documentVector(document.vectors).entries())));
  const perK: { assignment: number[]; score: number }[] = [];
  for (let k = 2; k <= Math.min(MAX_K, usable.length - 1); k++) {
    let bestOfK = { assignment: points.map(() => 0), score: -1 };
    for (const seed of SEEDS) {
      const result = kmeans(points, k, { seed, initialization: "kmeans++", maxIterations: 100 });
      const score = silhouette(points, result.clusters);
      if (score > bestOfK.score + 1e-9) bestOfK = { assignment: result.clusters, score };
    }
    perK.push(bestOfK);
  }
  // The fewest topics whose silhouette is within a small margin of the best: with few
  // documents the silhouette keeps creeping up as clusters split into pairs.
  const top = Math.max(0, ...perK.map((entry) => entry.score));
  const best = perK.find((entry) => entry.score >= top - SILHOUETTE_MARGIN) ?? { assignment: points.map(() => 0), score: 0 };
  const groups = new Map<number, TopicDocument[]>();
  best.assignment.forEach((cluster, index) => groups.set(cluster, [...(groups.get(cluster) ?? []), usable[index]!]));
  return [...groups.values()]
    .map((members) => {
      const words = keywords(members, usable, termsOf);
      return {
        label: words.slice(0, 3).join(" · ") || "misc",
        keywords: words,
        documentIds: members.map((member) => member.documentId).sort(),
        silhouette: best.score,
      };
    })
    .sort((a, b) => b.documentIds.length - a.documentIds.length || a.label.localeCompare(b.label));
}
