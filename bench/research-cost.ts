/**
 * What the research work adds to a 50-paper batch's wall time (issue: at most 10 %), on a real
 * Quire server: the same 50 papers (the 30 shared papers, then 20 of them again under other
 * names) uploaded twice with `stages: [EMBED]` (no research) and twice with `[EMBED, CITATIONS]`
 * (metadata, references, mentions, citation linking, and the worker's research refreshes while
 * documents finish), then the first read of entity clusters and topics (served from what the
 * worker stored as the batch settled, or computed by the read if it comes first). Printed: the added wall time (mean with, minus mean
 * without, plus that first read) over the mean wall time without research, and CITATIONS' share
 * of the stage time of the research runs, which other load on the machine disturbs less.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<db> npm run bench -- research-cost
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { uploadOverHttp } from "../test/helpers/server-process.ts";
import { emitBenchResult } from "./bench-output.ts";
import { startBenchServer } from "./bench-server.ts";
import { readPaperRows } from "./research-quality/research-scores.ts";

const corpusDir = path.resolve(fileURLToPath(new URL("../", import.meta.url)), "../shared/corpus/papers");
if (!existsSync(path.join(corpusDir, "papers.tsv"))) {
  console.error(`research-cost: corpus not found at ${corpusDir}`);
  process.exit(2);
}
const BATCH = 50;
const rows = readPaperRows(corpusDir);
const files = Array.from({ length: BATCH }, (_unused, index) => {
  const row = rows[index % rows.length]!;
  const copy = Math.floor(index / rows.length);
  return { name: copy === 0 ? row.file : `copy${copy}-${row.file}`, bytes: new Uint8Array(readFileSync(path.join(corpusDir, row.file))) };
});

const STAGES = `query ($id: ID!) { batch(id: $id) { status documents { stages { stage durationMs } } } }`;

const server = await startBenchServer({ QUIRE_MAX_FILES: String(BATCH) });
try {
  const run = async (stages: string[], batchFiles = files) => {
    const started = performance.now();
    const batchId = await uploadOverHttp(server.url, server.authorization, batchFiles, { stages, label: `research-cost ${stages.join("+")}` });
    const status = await server.waitForBatch(batchId, 200);
    const wallMs = performance.now() - started;
    const { batch } = await server.graphql<{ batch: { documents: { stages: { stage: string; durationMs: number | null }[] }[] } }>(STAGES, { id: batchId });
    const stageMs = (name?: string) =>
      batch.documents.flatMap((document) => document.stages).filter((stage) => !name || stage.stage === name).reduce((sum, stage) => sum + (stage.durationMs ?? 0), 0);
    console.log(`research-cost: ${batchFiles.length} papers, ${stages.join("+")}: ${status} in ${(wallMs / 1000).toFixed(1)} s`);
    return { batchId, status, wallMs, stageMs: stageMs(), citationsMs: stageMs("CITATIONS") };
  };
  // A warm-up batch first (the embedding model, pdf.js and the JIT load once), then the two
  // kinds in the order without, with, with, without, so a drift in the machine's load over
  // the bench weighs on both alike.
  await run(["EMBED", "CITATIONS"], files.slice(0, 6));
  const runs = [await run(["EMBED"]), await run(["EMBED", "CITATIONS"]), await run(["EMBED", "CITATIONS"]), await run(["EMBED"])];
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const without = { wallMs: mean([runs[0]!.wallMs, runs[3]!.wallMs]), statuses: [runs[0]!.status, runs[3]!.status] };
  const withResearch = {
    ...runs[2]!,
    wallMs: mean([runs[1]!.wallMs, runs[2]!.wallMs]),
    citationsMs: runs[1]!.citationsMs + runs[2]!.citationsMs,
    stageMs: runs[1]!.stageMs + runs[2]!.stageMs,
    statuses: [runs[1]!.status, runs[2]!.status],
  };
  // The worker's refresh as the batch settled runs after the measured wall time: the first read
  // either serves it or computes the results itself; later reads serve them.
  const readStarted = performance.now();
  await server.graphql(`query ($id: ID!) { entityClusters(batchId: $id) { name } topicClusters(batchId: $id) { label } }`, { id: withResearch.batchId });
  const firstReadMs = performance.now() - readStarted;
  const againStarted = performance.now();
  await server.graphql(`query ($id: ID!) { entityClusters(batchId: $id) { name } topicClusters(batchId: $id) { label } }`, { id: withResearch.batchId });
  const storedReadMs = performance.now() - againStarted;

  const addedMs = withResearch.wallMs - without.wallMs + firstReadMs;
  await emitBenchResult(
    "research-cost",
    [
      { name: "researchAddedWallShare", value: addedMs / without.wallMs, unit: "of the batch's wall time", reference: 0.1, referenceLabel: "target <=", higherIsBetter: false },
      { name: "citationsStageShare", value: withResearch.citationsMs / withResearch.stageMs, unit: "of stage time", reference: 0.1, referenceLabel: "target <=", higherIsBetter: false },
      { name: "entitiesTopicsFirstReadMs", value: firstReadMs, unit: "ms", higherIsBetter: false },
      { name: "entitiesTopicsStoredReadMs", value: storedReadMs, unit: "ms", higherIsBetter: false },
    ],
    {
      papers: BATCH,
      statuses: [...without.statuses, ...withResearch.statuses],
      wallMsEach: runs.map((each) => Math.round(each.wallMs)),
      wallMsWithout: Math.round(without.wallMs),
      wallMsWith: Math.round(withResearch.wallMs),
      citationsStageMs: withResearch.citationsMs,
      stageMsWith: withResearch.stageMs,
      note: "two runs of each kind on a machine shared with other work: wall times are noisy",
    },
  );
} finally {
  await server.stop();
}
