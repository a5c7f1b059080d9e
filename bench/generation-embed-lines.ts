/**
 * Memory and throughput of embedLines over a 100k-line upload, through linesFromStream and a
 * fake gateway (5 ms per request, 1536-dimension vectors). The file is generated on the fly
 * and the sink only counts, so any growth in memory is embedLines' own.
 * Run: npx node --expose-gc bench/generation-embed-lines.ts [latencyMs, default 5]
 */
import { embedLines } from "../src/generation/embed-lines-service.ts";
import { linesFromStream } from "../src/generation/line-stream.ts";
import type { EmbedRequest, EmbedResult, ModelGateway } from "../src/providers/provider-types.ts";

const LINES = 100_000;
const DIMENSIONS = 1536;
const LATENCY_MS = Number(process.argv[2] ?? 5);

const gateway: ModelGateway = {
  defaults: () => ({ provider: "openai", model: "bench", embeddingModel: "bench-embed" }),
  generate: () => Promise.reject(new Error("not used")),
  async embed(request: EmbedRequest): Promise<EmbedResult> {
    if (LATENCY_MS > 0) await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
    // A fresh array per vector, as a parsed provider response would give.
    const vectors = request.inputs.map((input) => new Array<number>(DIMENSIONS).fill(input.length / 97));
    const tokens = request.inputs.reduce((sum, input) => sum + Math.ceil(input.length / 4), 0);
    return { vectors, provider: "openai", model: "bench-embed", usage: { inputTokens: tokens, outputTokens: 0, cachedInputTokens: 0 }, costUsd: tokens * 2e-8, latencyMs: 5, cached: false, callId: "bench" };
  },
};

/** A 100k-line file (with some empty lines and CRLFs) as a byte stream, produced on demand. */
function uploadStream(): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let line = 0;
  return new ReadableStream({
    pull(controller) {
      if (line >= LINES) return controller.close();
      let chunk = "";
      for (let i = 0; i < 500 && line < LINES; i++, line++) {
        chunk += line % 50 === 0 ? "\r\n" : `Line ${line}: the quick brown fox jumps over the lazy dog — ünïcödé ✓ ${line * 7919}\n`;
      }
      controller.enqueue(encoder.encode(chunk));
    },
  });
}

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const baseline = process.memoryUsage();
let peakRss = baseline.rss;
let peakHeap = baseline.heapUsed;
const sample = () => {
  const usage = process.memoryUsage();
  peakRss = Math.max(peakRss, usage.rss);
  peakHeap = Math.max(peakHeap, usage.heapUsed);
};
const sampler = setInterval(sample, 20);
const heapAt: number[] = [];
let sunk = 0;
const started = performance.now();
const stats = await embedLines({ gateway }, linesFromStream(uploadStream()), {
  batchSize: 64,
  maxConcurrent: 4,
  sink: () => {
    sunk += 1;
  },
  onProgress: (progress) => {
    sample();
    if (progress.batches % 300 === 0) {
      // Live heap after a full GC: what embedLines retains, without garbage awaiting collection.
      gc?.();
      heapAt.push(process.memoryUsage().heapUsed);
    }
  },
});
clearInterval(sampler);
sample();
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
console.log(`lines embedded:   ${sunk} of ${LINES} (empty lines skipped), failures ${stats.failures}`);
console.log(`duration:         ${(performance.now() - started).toFixed(0)} ms, ${stats.textsPerSecond} texts/s, ${stats.batches} requests`);
console.log(`baseline:         rss ${mb(baseline.rss)}, heap ${mb(baseline.heapUsed)}`);
console.log(`peak:             rss ${mb(peakRss)} (+${mb(peakRss - baseline.rss)}), heap ${mb(peakHeap)} (+${mb(peakHeap - baseline.heapUsed)})`);
console.log(`live heap (after GC) every 300 requests: ${heapAt.map(mb).join(", ")}`);
