import { describe, expect, it } from "vitest";
import { cosineSimilarity, embedLocal } from "../../../src/text/local-embedding.ts";

describe("embedLocal", () => {
  it("returns one L2-normalised vector of the requested dimension per text", () => {
    const vectors = embedLocal(["first text", "second text"], 64);
    expect(vectors).toHaveLength(2);
    for (const vector of vectors) {
      expect(vector).toHaveLength(64);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 10);
    }
    expect(embedLocal(["x"])[0]).toHaveLength(384);
  });

  it("is deterministic", () => {
    expect(embedLocal(["the same words"])).toEqual(embedLocal(["the same words"]));
  });

  it("scores paraphrases and related texts above unrelated ones", () => {
    const [cat, catParaphrase, citations, citationParaphrase, finance] = embedLocal([
      "The cat sat on the mat while the dog slept.",
      "A cat was sitting on a mat and the dog was sleeping.",
      "Transformer language models learn document embeddings from citations.",
      "Learning embeddings of documents with transformers trained on citation graphs.",
      "Quarterly revenue grew by twelve percent thanks to strong cloud sales.",
    ]) as [number[], number[], number[], number[], number[]];
    expect(cosineSimilarity(cat, catParaphrase)).toBeGreaterThan(0.4);
    expect(cosineSimilarity(citations, citationParaphrase)).toBeGreaterThan(0.4);
    for (const [a, b] of [
      [cat, citations],
      [cat, finance],
      [citations, finance],
      [catParaphrase, citationParaphrase],
    ] as const) {
      expect(cosineSimilarity(a, b)).toBeLessThan(0.3);
    }
  });

  it("ignores case, accents and stopwords", () => {
    const [a, b] = embedLocal(["Café résumé", "the CAFE of a RESUME"]) as [number[], number[]];
    expect(cosineSimilarity(a, b)).toBeCloseTo(1, 10);
  });

  it("embeds text without content words as the zero vector", () => {
    const [empty] = embedLocal(["the of and"]) as [number[]];
    expect(empty.every((value) => value === 0)).toBe(true);
    expect(cosineSimilarity(empty, embedLocal(["words"])[0]!)).toBe(0);
  });

  it("rejects a bad dimension and vectors of different lengths", () => {
    expect(() => embedLocal(["x"], 0)).toThrow(RangeError);
    expect(() => cosineSimilarity([1, 0], [1])).toThrow(RangeError);
  });
});
