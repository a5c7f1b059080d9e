import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import type { PageImageEncoding, PageImageFormat } from "./page-image-format.ts";
import { PdfError } from "./pdf-error.ts";
import type { ExtractedPage, OcrResult, PdfInspection, RenderedPage } from "./pdf-types.ts";
import { readProcessRss } from "./process-rss.ts";
import type { WorkerConfig, WorkerOperation, WorkerResultByKind } from "./render-protocol.ts";
import { RenderWorkerProcess, type OperationTimer } from "./render-worker-process.ts";

/** Limits and sizing of a render pool; every field has a default. */
export interface RenderPoolOptions {
  /** Worker processes; default: the number of CPUs. */
  size?: number;
  /** Documents with more pages fail with PDF_TOO_MANY_PAGES. Default 2000. */
  maxPages?: number;
  /** Render scale is clamped so width*height stays within this. Default 40 M (160 MB RGBA). */
  maxPixelsPerPage?: number;
  /** Embedded images above this many pixels are skipped by pdf.js. Default 50 M. */
  maxImagePixels?: number;
  /** Wall time of one operation (a page, an inspection, an OCR run). Default 30 s. */
  pageTimeoutMs?: number;
  /** Arms each operation's time limit; the wall clock unless a test injects its own. */
  operationTimer?: OperationTimer;
  /** A worker whose RSS passes this is killed. Default 1.5 GiB. */
  maxWorkerRssBytes?: number;
  /** V8 heap cap of each worker (--max-old-space-size). Default 1024 MB. */
  maxOldSpaceMb?: number;
  /** How often worker RSS is sampled. Default 100 ms. */
  rssPollMs?: number;
  /** Opened documents each worker keeps. Default 4. */
  documentCacheSize?: number;
  /** Writable folder for tesseract.js. Default <tmpdir>/quire-tesseract. */
  ocrCachePath?: string;
  /** Added to the worker processes' niceness (capped at 19), so the API process keeps priority. Default 0. */
  nice?: number;
  /** Encoding of renderPage results that do not ask for one. Default PNG. */
  imageEncoding?: PageImageEncoding;
}

/** Cancellation for one operation. */
export interface OperationOptions {
  signal?: AbortSignal;
}

/** Which page of which document, for renderPage and extractPage. */
export interface PageRequest {
  /** Stable identity of the bytes (e.g. their sha256): workers cache opened documents by it. */
  documentKey: string;
  bytes: Uint8Array;
  /** 1-based. */
  pageNumber: number;
}

/** A live view of the pool, for tests, benches and health checks. */
export interface RenderPoolStats {
  size: number;
  workers: { pid: number | undefined; state: string; documents: number; rssBytes: number | undefined }[];
  queued: number;
  busy: number;
  /** Most workers ever busy at once. */
  peakBusy: number;
  /** Largest RSS sampled from any one worker. */
  peakWorkerRssBytes: number;
}

interface Task {
  operation: WorkerOperation;
  target: { documentKey: string; bytes: Uint8Array } | undefined;
  signal: AbortSignal | undefined;
  resolve: (result: unknown) => void;
  reject: (error: PdfError) => void;
  worker?: RenderWorkerProcess;
  onAbort?: () => void;
}

// Give up on spawning after this many children in a row die before they are ready (a broken
// install), instead of forking forever.
const MAX_FAILED_STARTS = 3;
// How far past the head of the queue a worker looks for work on a document it has open.
const LOOK_AHEAD = 64;

/**
 * Runs PDF work in child processes so untrusted files are never parsed in the API process.
 * Requests beyond the pool size wait in a FIFO queue; a worker that times out, is aborted, grows
 * past the memory cap or crashes is killed and replaced without disturbing the others.
 */
export class RenderPool {
  readonly #size: number;
  readonly #pageTimeoutMs: number;
  readonly #operationTimer: OperationTimer | undefined;
  readonly #maxWorkerRssBytes: number;
  readonly #maxOldSpaceMb: number;
  readonly #config: WorkerConfig;
  readonly #imageEncoding: PageImageEncoding;
  readonly #nice: number;
  readonly #workers = new Set<RenderWorkerProcess>();
  readonly #rss = new Map<RenderWorkerProcess, number>();
  readonly #queue: Task[] = [];
  readonly #poller: NodeJS.Timeout;
  #closed = false;
  #failedStarts = 0;
  #peakBusy = 0;
  #peakWorkerRss = 0;
  #polling = false;
  // Workers killed while idle (over the memory cap with nothing to do): not replaced eagerly.
  readonly #retired = new WeakSet<RenderWorkerProcess>();

  constructor(options: RenderPoolOptions = {}) {
    this.#size = Math.max(1, options.size ?? availableParallelism());
    this.#pageTimeoutMs = options.pageTimeoutMs ?? 30_000;
    this.#operationTimer = options.operationTimer;
    this.#maxWorkerRssBytes = options.maxWorkerRssBytes ?? 1.5 * 1024 ** 3;
    this.#maxOldSpaceMb = options.maxOldSpaceMb ?? 1024;
    this.#imageEncoding = options.imageEncoding ?? { format: "png" };
    this.#nice = options.nice ?? 0;
    this.#config = {
      maxPages: options.maxPages ?? 2000,
      maxPixelsPerPage: options.maxPixelsPerPage ?? 40_000_000,
      maxImagePixels: options.maxImagePixels ?? 50_000_000,
      documentCacheSize: options.documentCacheSize ?? 4,
      ocrCachePath: options.ocrCachePath ?? join(tmpdir(), "quire-tesseract"),
    };
    this.#poller = setInterval(() => void this.#pollRss(), options.rssPollMs ?? 100);
    this.#poller.unref();
  }

  /** Page count, encryption and metadata of a document, parsed by a worker. */
  inspect(documentKey: string, bytes: Uint8Array, options: OperationOptions = {}): Promise<PdfInspection> {
    return this.#submit({ kind: "inspect" }, { documentKey, bytes }, options.signal);
  }

  /**
   * One page as an image at `dpi` (or lower: see RenderedPage.dpiUsed), in `format` (PNG for
   * lossless) or else the pool's default encoding.
   */
  renderPage(
    request: PageRequest & { dpi: number; format?: PageImageFormat; quality?: number },
    options: OperationOptions = {},
  ): Promise<RenderedPage> {
    const { documentKey, bytes, pageNumber, dpi } = request;
    const { format, quality } = request.format ? { format: request.format, quality: request.quality } : this.#imageEncoding;
    return this.#submit({ kind: "render", pageNumber, dpi, format, quality }, { documentKey, bytes }, options.signal);
  }

  /** The text layer of one page. */
  extractPage(request: PageRequest, options: OperationOptions = {}): Promise<ExtractedPage> {
    const { documentKey, bytes, pageNumber } = request;
    return this.#submit({ kind: "extract", pageNumber }, { documentKey, bytes }, options.signal);
  }

  /** English OCR of a page image (a renderPage result, PNG or JPEG); about 3 s for a 150 DPI page. */
  ocrPage(request: { png: Uint8Array }, options: OperationOptions = {}): Promise<OcrResult> {
    return this.#submit({ kind: "ocr", png: request.png }, undefined, options.signal);
  }

  /** Current workers, queue and peaks. */
  stats(): RenderPoolStats {
    const workers = [...this.#workers].map((worker) => ({
      pid: worker.pid,
      state: worker.state,
      documents: worker.documentCount,
      rssBytes: this.#rss.get(worker),
    }));
    return {
      size: this.#size,
      workers,
      queued: this.#queue.length,
      busy: workers.filter((w) => w.state === "busy").length,
      peakBusy: this.#peakBusy,
      peakWorkerRssBytes: this.#peakWorkerRss,
    };
  }

  /** Rejects queued and running work with POOL_CLOSED and waits until every worker has exited. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#poller);
    for (const task of this.#queue.splice(0)) this.#fail(task, new PdfError("POOL_CLOSED", "Render pool closed"));
    const workers = [...this.#workers];
    for (const worker of workers) worker.kill(new PdfError("POOL_CLOSED", "Render pool closed"));
    await Promise.all(workers.map((worker) => worker.exited));
  }

  #submit<K extends WorkerOperation["kind"]>(
    operation: Extract<WorkerOperation, { kind: K }>,
    target: Task["target"],
    signal: AbortSignal | undefined,
  ): Promise<WorkerResultByKind[K]> {
    if (this.#closed) return Promise.reject(new PdfError("POOL_CLOSED", "Render pool closed"));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<WorkerResultByKind[K]>((resolve, reject) => {
      const task: Task = { operation, target, signal, resolve: resolve as (result: unknown) => void, reject };
      if (signal) {
        task.onAbort = () => this.#abort(task);
        signal.addEventListener("abort", task.onAbort, { once: true });
      }
      this.#queue.push(task);
      this.#dispatch();
    });
  }

  #abort(task: Task): void {
    const error = abortError(task.signal);
    if (task.worker) {
      // The child may be deep in a page with no await to interrupt: killing is the only prompt way.
      task.worker.kill(error);
      return;
    }
    const index = this.#queue.indexOf(task);
    if (index >= 0) this.#queue.splice(index, 1);
    this.#fail(task, error);
  }

  #fail(task: Task, error: PdfError): void {
    if (task.onAbort) task.signal?.removeEventListener("abort", task.onAbort);
    task.reject(error);
  }

  #dispatch(): void {
    if (this.#closed) return;
    while (this.#queue.length > 0) {
      const idle = [...this.#workers].filter((worker) => worker.state === "idle");
      if (idle.length === 0) break;
      const next = this.#pickNext(idle);
      if (!next) break;
      this.#queue.splice(next.index, 1);
      this.#start(next.task, next.worker);
    }
    const live = this.#live();
    const starting = live.filter((worker) => worker.state === "starting").length;
    for (let missing = this.#queue.length - starting; missing > 0 && live.length < this.#size; missing--) {
      live.push(this.#spawn());
    }
  }

  /**
   * Which queued task an idle worker runs next. Opening a document in a worker costs a parse and
   * its fonts again (more than a page's render for a typical paper), and with several documents
   * in flight FIFO order had every worker open every document, overflowing the per-worker cache
   * so documents were reopened again and again. So: the head goes to an idle worker that holds
   * its document; when only a busy worker holds it, an idle worker first takes a task (within a
   * short look-ahead) for a document it holds itself; otherwise the head goes to any idle worker.
   */
  #pickNext(idle: RenderWorkerProcess[]): { task: Task; worker: RenderWorkerProcess; index: number } | undefined {
    const head = this.#queue[0];
    if (!head) return undefined;
    const key = head.target?.documentKey;
    if (key === undefined) return { task: head, worker: idle[0]!, index: 0 };
    const holder = idle.find((worker) => worker.holds(key));
    if (holder) return { task: head, worker: holder, index: 0 };
    const heldByBusy = [...this.#workers].some((worker) => worker.state === "busy" && worker.holds(key));
    if (heldByBusy) {
      const lookAhead = Math.min(this.#queue.length, LOOK_AHEAD);
      for (const worker of idle) {
        for (let index = 1; index < lookAhead; index++) {
          const task = this.#queue[index]!;
          if (task.target && worker.holds(task.target.documentKey)) return { task, worker, index };
        }
      }
    }
    return { task: head, worker: idle[0]!, index: 0 };
  }

  #live(): RenderWorkerProcess[] {
    return [...this.#workers].filter((worker) => worker.state !== "dead");
  }

  #start(task: Task, worker: RenderWorkerProcess): void {
    task.worker = worker;
    const run = worker.run(task.operation, task.target, this.#pageTimeoutMs, this.#operationTimer);
    this.#peakBusy = Math.max(this.#peakBusy, [...this.#workers].filter((w) => w.state === "busy").length);
    run.then(
      (result) => {
        if (task.onAbort) task.signal?.removeEventListener("abort", task.onAbort);
        task.resolve(result);
        this.#dispatch();
      },
      (error: unknown) => {
        this.#fail(task, error instanceof PdfError ? error : new PdfError("WORKER_CRASHED", String(error)));
        this.#dispatch();
      },
    );
  }

  #spawn(): RenderWorkerProcess {
    const worker = new RenderWorkerProcess(
      { config: this.#config, maxOldSpaceMb: this.#maxOldSpaceMb, nice: this.#nice },
      (dead) => this.#onDeath(dead),
    );
    this.#workers.add(worker);
    worker.ready.then(
      () => {
        this.#failedStarts = 0;
        this.#dispatch();
      },
      () => undefined,
    );
    return worker;
  }

  #onDeath(worker: RenderWorkerProcess): void {
    this.#workers.delete(worker);
    this.#rss.delete(worker);
    if (this.#closed) return;
    if (!worker.everReady) {
      this.#failedStarts++;
      if (this.#failedStarts >= MAX_FAILED_STARTS) {
        const error = new PdfError("WORKER_CRASHED", "Render workers keep dying before they start");
        for (const task of this.#queue.splice(0)) this.#fail(task, error);
        this.#failedStarts = 0;
        return;
      }
    } else if (!this.#retired.has(worker) && this.#live().length < this.#size) {
      // Replace at once so the next request does not pay the ~0.3 s start; a worker retired
      // idle for memory is not replaced until there is work, or a tiny cap would churn forever.
      this.#spawn();
    }
    this.#dispatch();
  }

  async #pollRss(): Promise<void> {
    // Reads are async; skip a tick rather than pile them up on a slow /proc.
    if (this.#polling) return;
    this.#polling = true;
    try {
      for (const worker of [...this.#workers]) {
        if (worker.pid === undefined || worker.state === "starting" || worker.state === "dead") continue;
        const rss = await readProcessRss(worker.pid);
        if (rss === undefined) continue;
        this.#rss.set(worker, rss);
        this.#peakWorkerRss = Math.max(this.#peakWorkerRss, rss);
        if (rss > this.#maxWorkerRssBytes) {
          if (worker.state === "idle") this.#retired.add(worker);
          worker.kill(
            new PdfError(
              "WORKER_MEMORY_EXCEEDED",
              `Render worker used ${Math.round(rss / 2 ** 20)} MB, over the ${Math.round(this.#maxWorkerRssBytes / 2 ** 20)} MB cap`,
            ),
          );
        }
      }
    } finally {
      this.#polling = false;
    }
  }
}

function abortError(signal: AbortSignal | undefined): PdfError {
  return new PdfError("ABORTED", "Operation aborted", { cause: signal?.reason });
}
