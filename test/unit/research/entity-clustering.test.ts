import { describe, expect, it } from "vitest";
import { ambiguousPairs, clusterEntities, type MentionRow } from "../../../src/research/entity-clustering.ts";
import { acronymMatches, extractEntityMentions } from "../../../src/research/entity-mentions.ts";
import { resolveAmbiguousPairs } from "../../../src/research/entity-model-resolver.ts";
import { ProviderError } from "../../../src/providers/provider-types.ts";
import { createFakeGateway } from "../generation/fake-gateway.ts";

function mentionsOf(documents: Record<string, string[]>): MentionRow[] {
  return Object.entries(documents).flatMap(([documentId, pages]) =>
    extractEntityMentions(pages).map((mention) => ({ ...mention, documentId, acronym: mention.acronym ?? null })),
  );
}

const STORAGE = {
  gfs: [
    "We describe the Google File System (GFS), a scalable distributed file system. GFS runs on commodity machines.\n\n" +
      "Clients of GFS talk to a single master. Unlike Paxos, GFS does not replicate the master by consensus.",
  ],
  bigtable: [
    "Bigtable stores its files in GFS and uses Chubby, which implements Paxos. We compare Paxos with Raft, which Raft papers call understandable.\n\n" +
      "The Google File System keeps three replicas. Overlays such as Chord and Pastry route keys; Chord uses a ring while Pastry uses prefixes.",
  ],
  dht: ["Both Chord and Pastry are distributed hash tables. Pastry and Chord differ in routing. Raft is not a hash table, and Chord is not Raft."],
};

describe("entity clusters", () => {
  it("joins an acronym and its expansion, across papers", () => {
    const clusters = clusterEntities("batch", mentionsOf(STORAGE));
    const gfs = clusters.find((cluster) => cluster.name === "Google File System")!;
    expect(gfs.aliases).toContain("GFS");
    expect(gfs.documentIds).toEqual(["bigtable", "gfs"]);
    expect(gfs.mentions.every((mention) => mention.page === 1)).toBe(true);
    expect(clusters.filter((cluster) => cluster.aliases.includes("GFS") || cluster.name === "GFS")).toHaveLength(1);
  });

  it("keeps different systems apart however often they appear together", () => {
    const clusters = clusterEntities("batch", mentionsOf(STORAGE));
    const holding = (name: string) => clusters.filter((cluster) => cluster.name === name || cluster.aliases.includes(name));
    for (const name of ["Paxos", "Raft", "Chord", "Pastry"]) expect(holding(name), name).toHaveLength(1);
    expect(holding("Paxos")[0]).not.toBe(holding("Raft")[0]);
    expect(holding("Chord")[0]).not.toBe(holding("Pastry")[0]);
    expect(holding("Chord")[0]!.documentIds).toEqual(["bigtable", "dht"]);
  });

  it("reads an ambiguous acronym per paper", () => {
    const mentions = mentionsOf({
      a: ["The Consistency Index (CI) of the matrix is small. The CI grows with the matrix."],
      b: ["The effect had a wide Confidence Interval (CI), and the CI included zero."],
    });
    const clusters = clusterEntities("batch", mentions);
    expect(clusters.find((cluster) => cluster.name === "Consistency Index")!.documentIds).toEqual(["a"]);
    expect(clusters.find((cluster) => cluster.name === "Confidence Interval")!.documentIds).toEqual(["b"]);
    expect(ambiguousPairs(mentions)).toEqual([{ a: "Consistency Index (CI)", b: "Confidence Interval (CI)", reason: "acronym" }]);
  });

  it("matches acronyms to their words, capitals inside words included", () => {
    expect(acronymMatches("GFS", "Google File System")).toBe(true);
    expect(acronymMatches("OIE", "Open Information Extraction")).toBe(true);
    expect(acronymMatches("PR", "PageRank")).toBe(false);
    expect(acronymMatches("GFS", "Global Positioning System")).toBe(false);
  });
});

describe("model resolution of ambiguous pairs", () => {
  const pairs = [{ a: "TextRunner", b: "TextRunners system", reason: "similar" as const }];

  it("uses a validated answer and ignores decisions it did not ask for", async () => {
    const gateway = createFakeGateway({
      answer: () => JSON.stringify({ decisions: [{ ...pairs[0], same: true, confidence: 0.8 }, { a: "x", b: "y", same: true, confidence: 1 }] }),
    });
    const decisions = await resolveAmbiguousPairs(gateway, pairs, { userId: "u", subjectId: "b" });
    expect(decisions).toEqual([{ a: "TextRunner", b: "TextRunners system", same: true, confidence: 0.8 }]);
    expect(gateway.calls[0]!.purpose).toBe("research.entities");
  });

  it("falls back to the local result on invalid answers and provider failures, and asks nothing locally", async () => {
    const invalid = createFakeGateway({ answer: () => "they are the same" });
    expect(await resolveAmbiguousPairs(invalid, pairs, { userId: "u", subjectId: "b" })).toBeUndefined();
    expect(invalid.calls).toHaveLength(2);
    const failing = createFakeGateway({ fail: () => new ProviderError("PROVIDER_UNAVAILABLE", "down", { retryable: true }) });
    expect(await resolveAmbiguousPairs(failing, pairs, { userId: "u", subjectId: "b" })).toBeUndefined();
    const local = { ...createFakeGateway({}), defaults: () => ({ provider: "local" as const, model: "local-extractive", embeddingModel: "local-embedding" }) };
    expect(await resolveAmbiguousPairs(local, pairs, { userId: "u", subjectId: "b" })).toBeUndefined();
    expect(local.calls).toHaveLength(0);
    expect(failing.calls.length).toBeGreaterThan(0);
  });
});
