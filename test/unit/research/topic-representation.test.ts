import { describe, expect, it } from "vitest";
import { clusterTopics, type TopicDocument } from "../../../src/research/topic-clustering.ts";

// Six papers whose words and whose embeddings disagree: the words pair physics with physics and
// biology with biology; the (semantic, here made-up) embeddings group them the other way.
const physics = "quantum entanglement photon qubit decoherence interferometer quantum photon";
const biology = "protein folding enzyme amino peptide ribosome protein enzyme";
const near = (axis: number, jitter: number) => Array.from({ length: 8 }, (_, i) => (i === axis ? 1 : 0) + (i === 7 ? jitter : 0));
const documents: TopicDocument[] = [
  { documentId: "p1", text: physics, vectors: [near(0, 0.01)] },
  { documentId: "p2", text: physics, vectors: [near(0, 0.02)] },
  { documentId: "p3", text: physics, vectors: [near(1, 0.01)] },
  { documentId: "b1", text: biology, vectors: [near(0, 0.03)] },
  { documentId: "b2", text: biology, vectors: [near(1, 0.02)] },
  { documentId: "b3", text: biology, vectors: [near(1, 0.03)] },
];
const groups = (representation: "terms" | "embeddings") =>
  clusterTopics(documents, representation)
    .map((topic) => topic.documentIds.join(","))
    .sort();

describe("topic representation", () => {
  it("groups by shared terms for the offline provider's lexical embeddings", () => {
    expect(groups("terms")).toEqual(["b1,b2,b3", "p1,p2,p3"]);
  });

  it("groups by the chunk embeddings when they come from a semantic model", () => {
    expect(groups("embeddings")).toEqual(["b1,p1,p2", "b2,b3,p3"]);
  });
});
