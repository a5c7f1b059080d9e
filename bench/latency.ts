/**
 * API responsiveness under load: a real server (QUIRE_ROLE=all by default, so the pipeline runs
 * in the same process as GraphQL) takes a 30-document batch through every stage while this
 * process asks a trivial authenticated query (`batch(id) { id status }`) every 20 ms and
 * records each answer's round trip. Prints p50, p99 and max against the targets.
 *
 *   npm run bench -- latency [--documents 30] [--pages 6] [--role all]
 */
import { parseArgs } from "node:util";
import { buildTextPdf } from "../test/helpers/pdf-fixtures.ts";
import { uploadOverHttp } from "../test/helpers/server-process.ts";
import { emitBenchResult } from "./bench-output.ts";
import { startBenchServer } from "./bench-server.ts";
import { pause, percentile, SHARED_MACHINE_NOTE } from "./bench-tools.ts";

const { values } = parseArgs({
  options: {
    documents: { type: "string", default: "30" },
    pages: { type: "string", default: "6" },
    role: { type: "string", default: "all" },
  },
});
const documents = Number(values.documents);

const server = await startBenchServer({ QUIRE_ROLE: values.role === "all" ? "all" : values.role });
try {
  // Documents of different lengths, with references, so every text stage has work to do.
  const files = await Promise.all(
    Array.from({ length: documents }, async (_, i) => ({
      name: `doc-${i}.pdf`,
      bytes: await buildTextPdf({ pages: Number(values.pages) + (i % 4) * 2, references: 15, linesPerPage: 40 }),
    })),
  );
  const query = "query ($id: ID!) { batch(id: $id) { id status } }";
  const batchId = await uploadOverHttp(server.url, server.authorization, files);
  const latencies: number[] = [];
  let status = "QUEUED";
  const started = performance.now();
  while (!["COMPLETED", "PARTIAL", "FAILED", "CANCELLED"].includes(status)) {
    const t0 = performance.now();
    ({ batch: { status } } = await server.graphql<{ batch: { status: string } }>(query, { id: batchId }));
    latencies.push(performance.now() - t0);
    await pause(20);
  }
  const seconds = (performance.now() - started) / 1000;
  await emitBenchResult(
    "latency",
    [
      { name: "p50", value: percentile(latencies, 0.5), unit: "ms", higherIsBetter: false },
      { name: "p99", value: percentile(latencies, 0.99), unit: "ms", reference: 50, referenceLabel: "target <", higherIsBetter: false },
      { name: "max", value: Math.max(...latencies), unit: "ms", reference: 250, referenceLabel: "target <", higherIsBetter: false },
    ],
    { role: values.role, documents, batchStatus: status, batchSeconds: Math.round(seconds * 10) / 10, queries: latencies.length, note: SHARED_MACHINE_NOTE },
  );
} finally {
  await server.stop();
}
