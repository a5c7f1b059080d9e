/**
 * Scores research results on ../shared/corpus/papers against papers.tsv (references, in-corpus
 * citations) and papers-research-truth.json (entities, topics). Used by the research-quality
 * bench (results computed directly on the text) and the end-to-end test (results read through
 * the API); both identify papers by file name without ".pdf".
 */
import { readFileSync } from "node:fs";
import path from "node:path";

export interface PaperRow {
  id: string;
  file: string;
  expectedRefs: number;
  citesInCorpus: string[];
}

export interface ResearchTruth {
  entities: Record<string, string[][]>;
  sameEntity: [string, string][];
  differentEntities: [string, string][];
  topics: Record<string, string[]>;
}

export interface ScoredCluster {
  name: string;
  aliases: string[];
  /** Paper ids (file names without .pdf). */
  papers: string[];
}

export function readPaperRows(corpusDir: string): PaperRow[] {
  const [, ...lines] = readFileSync(path.join(corpusDir, "papers.tsv"), "utf8").trim().split("\n");
  return lines.map((line) => {
    const [file, , , refs, , cites] = line.split("\t") as [string, string, string, string, string, string?];
    return {
      file,
      id: file.replace(/\.pdf$/, ""),
      // "39 labels / 70 works": the labels are what a bibliography splitter sees.
      expectedRefs: Number.parseInt(refs, 10),
      citesInCorpus: (cites ?? "").split(",").filter(Boolean).map((name) => name.replace(/\.pdf$/, "")),
    };
  });
}

export function readResearchTruth(): ResearchTruth {
  return JSON.parse(readFileSync(new URL("./papers-research-truth.json", import.meta.url), "utf8")) as ResearchTruth;
}

/** Within-batch citation links against cites_in_corpus. */
export function citationScores(rows: readonly PaperRow[], links: readonly { from: string; to: string }[]) {
  const truth = new Set(rows.flatMap((row) => row.citesInCorpus.map((cited) => `${row.id}->${cited}`)));
  const found = new Set(links.map((link) => `${link.from}->${link.to}`));
  const correct = [...found].filter((link) => truth.has(link));
  return {
    precision: found.size === 0 ? 1 : correct.length / found.size,
    recall: truth.size === 0 ? 1 : correct.length / truth.size,
    missing: [...truth].filter((link) => !found.has(link)),
    wrong: [...found].filter((link) => !truth.has(link)),
  };
}

/** Share of papers whose bibliography has within 10 % of the expected number of entries. */
export function referenceCountScore(rows: readonly PaperRow[], counts: ReadonlyMap<string, number>) {
  const off = rows.filter((row) => Math.abs((counts.get(row.id) ?? 0) - row.expectedRefs) > row.expectedRefs * 0.1);
  return { within10: (rows.length - off.length) / rows.length, off: off.map((row) => `${row.id}: ${counts.get(row.id) ?? 0}/${row.expectedRefs}`) };
}

const key = (name: string) => name.normalize("NFKD").toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");

function clusterOf(clusters: readonly ScoredCluster[], name: string): ScoredCluster | undefined {
  return clusters.find((cluster) => [cluster.name, ...cluster.aliases].some((form) => key(form) === key(name)));
}

/** Entity recall per paper, and whether the truth's same/different pairs are clustered so. */
export function entityScores(truth: ResearchTruth, clusters: readonly ScoredCluster[]) {
  const expected = Object.entries(truth.entities).flatMap(([paper, entities]) => entities.map((names) => ({ paper, names })));
  const missing = expected.filter(({ paper, names }) => !names.some((name) => clusterOf(clusters, name)?.papers.includes(paper)));
  const sameWrong = truth.sameEntity.filter(([a, b]) => !clusterOf(clusters, a) || clusterOf(clusters, a) !== clusterOf(clusters, b));
  // A pair counts as apart only when both names are found, in different clusters; the lists
  // below tell a name never found (a recall problem) from two names joined (a clustering one).
  const differentWrong = truth.differentEntities.filter(([a, b]) => !clusterOf(clusters, a) || !clusterOf(clusters, b) || clusterOf(clusters, a) === clusterOf(clusters, b));
  const differentJoined = differentWrong.filter(([a, b]) => clusterOf(clusters, a) && clusterOf(clusters, a) === clusterOf(clusters, b));
  return {
    recall: (expected.length - missing.length) / expected.length,
    missing: missing.map(({ paper, names }) => `${paper}: ${names[0]}`),
    sameAccuracy: (truth.sameEntity.length - sameWrong.length) / truth.sameEntity.length,
    differentAccuracy: (truth.differentEntities.length - differentWrong.length) / truth.differentEntities.length,
    sameWrong,
    differentWrong,
    differentJoined,
    namesNotFound: [...new Set([...truth.sameEntity, ...truth.differentEntities].flat())].filter((name) => !clusterOf(clusters, name)),
  };
}

/** Pair counting against the truth's groups: of paper pairs put together, how many belong together, and vice versa. */
export function topicScores(truth: ResearchTruth, topics: readonly { papers: string[] }[]) {
  const group = new Map(Object.entries(truth.topics).flatMap(([name, papers]) => papers.map((paper) => [paper, name] as const)));
  const cluster = new Map(topics.flatMap((topic, index) => topic.papers.map((paper) => [paper, index] as const)));
  const papers = [...group.keys()].filter((paper) => cluster.has(paper));
  let together = 0;
  let togetherRight = 0;
  let belong = 0;
  for (let i = 0; i < papers.length; i++) {
    for (let j = i + 1; j < papers.length; j++) {
      const same = cluster.get(papers[i]!) === cluster.get(papers[j]!);
      const should = group.get(papers[i]!) === group.get(papers[j]!);
      if (same) together++;
      if (should) belong++;
      if (same && should) togetherRight++;
    }
  }
  return {
    pairPrecision: together === 0 ? 0 : togetherRight / together,
    pairRecall: belong === 0 ? 0 : togetherRight / belong,
    clusters: topics.length,
    covered: papers.length / group.size,
  };
}
