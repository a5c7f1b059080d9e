/**
 * Nested reads over real HTTP: `batches(first: 100)` with counts, progress, documents and their
 * stages, on 100 batches × 5 documents × 9 stage checkpoints seeded straight into the database.
 * Prints requests/s (CONCURRENCY requests in flight for DURATION_S seconds) and the database
 * queries one request costs, beside the issue 11 targets (≥ 3× the figure before batched reads,
 * ≤ 10 queries).
 *
 *   npm run bench -- api                      # embedded PostgreSQL
 *   DATABASE_URL=postgresql://.../own_db npm run bench -- api [durationSeconds] [concurrency]   (a database of its own: it seeds rows)
 * The cost limit is raised: with the default QUIRE_GRAPHQL_MAX_COST (5000) this query is refused.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildApp } from "../src/app.ts";
import { createApiKey } from "../src/auth/api-key-service.ts";
import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/logging/logger.ts";
import { STAGES } from "../src/pipeline/stage-order.ts";
import { emitBenchResult } from "./bench-output.ts";

const durationSeconds = Number(process.argv[2] ?? 5);
const concurrency = Number(process.argv[3] ?? 4);
/** Requests/s of this bench before batched reads (best of 2 runs, 8 s and 10 s, 4 in flight; shared 2-core machine, load ~11, PostgreSQL 15; 1,703 queries per request). */
const BEFORE_REQUESTS_PER_SECOND = 0.41;
const BATCHES = 100;
const DOCUMENTS_PER_BATCH = 5;

const query = `{ batches(first: 100) { edges { node { id status progress documentCount completedCount failedCount
  documents { id filename status progress stages { stage status pagesDone } } } } } }`;

const dataDir = await mkdtemp(path.join(os.tmpdir(), "quire-bench-api-"));
let queries = 0;
const app = buildApp(
  loadConfig({ ...process.env, PORT: "0", QUIRE_DATA_DIR: dataDir, QUIRE_BOOTSTRAP_KEY: "false", LOG_LEVEL: "silent", QUIRE_USER_RPM: "1000000", QUIRE_GRAPHQL_MAX_COST: "1000000", QUIRE_ROLE: "api" }),
  { logger: createLogger("silent"), onDatabaseQuery: () => void queries++ },
);
await app.start({ listen: true });
try {
  const { prisma } = app.services().db;
  const user = await createApiKey(prisma, { userName: `bench-${Date.now()}`, name: "bench" });
  const batchIds = Array.from({ length: BATCHES }, () => randomUUID());
  await prisma.batchJob.createMany({ data: batchIds.map((id) => ({ id, userId: user.userId, stages: [], status: "RUNNING" as const })) });
  const documents = batchIds.flatMap((batchId) =>
    Array.from({ length: DOCUMENTS_PER_BATCH }, (_, i) => ({ id: randomUUID(), batchId, userId: user.userId, filename: `doc-${i}.pdf`, sizeBytes: 1000, sha256: "0".repeat(64), pageCount: 3 })),
  );
  await prisma.documentJob.createMany({ data: documents });
  await prisma.checkpoint.createMany({
    data: documents.flatMap((document) => STAGES.map((stage, i) => ({ documentId: document.id, stage, status: i < 3 ? ("COMPLETED" as const) : ("PENDING" as const) }))),
  });

  const { port } = app.address()!;
  const url = `http://127.0.0.1:${port}/graphql`;
  const request = async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${user.key}` },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { errors?: unknown; data?: { batches: { edges: unknown[] } } };
    if (body.errors || body.data?.batches.edges.length !== BATCHES) throw new Error(`unexpected answer: ${JSON.stringify(body).slice(0, 300)}`);
  };

  await request(); // warm-up: schema caches, pool connections
  const before = queries;
  await request();
  const queriesPerRequest = queries - before;

  let done = 0;
  const started = performance.now();
  const deadline = started + durationSeconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await request();
        done++;
      }
    }),
  );
  const requestsPerSecond = done / ((performance.now() - started) / 1000);
  await emitBenchResult(
    "api",
    [
      { name: "requestsPerSecond", value: requestsPerSecond, unit: "req/s", reference: 3 * BEFORE_REQUESTS_PER_SECOND, referenceLabel: "target ≥ 3× before", higherIsBetter: true },
      { name: "queriesPerRequest", value: queriesPerRequest, unit: "queries", reference: 10, referenceLabel: "target ≤", higherIsBetter: false },
    ],
    { batches: BATCHES, documentsPerBatch: DOCUMENTS_PER_BATCH, stagesPerDocument: STAGES.length, concurrency, durationSeconds, requests: done, beforeRequestsPerSecond: BEFORE_REQUESTS_PER_SECOND },
  );
} finally {
  await app.stop();
  await rm(dataDir, { recursive: true, force: true });
}
