/** A sparse, L2-normalised term vector. */
export type SparseVector = Map<string, number>;

/** TF-IDF vectors (sublinear TF, smoothed IDF, L2-normalised) for a set of term lists. */
export function tfidfVectors(termLists: readonly (readonly string[])[]): SparseVector[] {
  const documentFrequency = new Map<string, number>();
  for (const terms of termLists) {
    for (const term of new Set(terms)) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  const n = termLists.length;
  return termLists.map((terms) => {
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    const vector: SparseVector = new Map();
    let norm = 0;
    for (const [term, count] of counts) {
      const weight = (1 + Math.log(count)) * (Math.log((n + 1) / ((documentFrequency.get(term) ?? 0) + 1)) + 1);
      vector.set(term, weight);
      norm += weight * weight;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [term, weight] of vector) vector.set(term, weight / norm);
    return vector;
  });
}

/** Cosine similarity of two L2-normalised sparse vectors. */
export function sparseCosine(a: SparseVector, b: SparseVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [term, weight] of small) dot += weight * (large.get(term) ?? 0);
  return dot;
}

/**
 * TextRank: PageRank over the sentence similarity graph (edge weight = cosine similarity),
 * a fixed number of iterations from a uniform start so the result is deterministic.
 * Returns one score per vector, averaging 1.
 */
export function textRank(vectors: readonly SparseVector[], damping = 0.85, iterations = 30): number[] {
  const n = vectors.length;
  if (n === 0) return [];
  // Only pairs sharing a term have an edge; an inverted index finds them without n² work.
  const byTerm = new Map<string, number[]>();
  vectors.forEach((vector, index) => {
    for (const term of vector.keys()) {
      const list = byTerm.get(term) ?? [];
      list.push(index);
      byTerm.set(term, list);
    }
  });
  const edges = vectors.map(() => new Map<number, number>());
  vectors.forEach((vector, i) => {
    const neighbours = new Set<number>();
    for (const term of vector.keys()) for (const j of byTerm.get(term)!) if (j > i) neighbours.add(j);
    for (const j of neighbours) {
      const weight = sparseCosine(vector, vectors[j]!);
      if (weight <= 0) continue;
      edges[i]!.set(j, weight);
      edges[j]!.set(i, weight);
    }
  });
  const outWeight = edges.map((neighbours) => [...neighbours.values()].reduce((sum, w) => sum + w, 0));
  let scores = new Array<number>(n).fill(1);
  for (let iteration = 0; iteration < iterations; iteration++) {
    const next = new Array<number>(n).fill(1 - damping);
    edges.forEach((neighbours, i) => {
      if (outWeight[i] === 0) return;
      for (const [j, weight] of neighbours) next[j]! += (damping * scores[i]! * weight) / outWeight[i]!;
    });
    scores = next;
  }
  return scores;
}
