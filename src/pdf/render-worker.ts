/**
 * Child-process entry of the render pool: the only place untrusted PDF bytes are parsed. It
 * serves one request at a time (the pool never sends a second before the first is answered)
 * and relies on the pool to kill it on timeout, abort or excess memory.
 */
import { getPriority, setPriority } from "node:os";
import { Worker } from "node:worker_threads";
import type { PDFDocumentProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import { DocumentCache } from "./document-cache.ts";
import { inspectDocument } from "./document-inspector.ts";
import { OcrEngine } from "./ocr-engine.ts";
import { PdfError } from "./pdf-error.ts";
import { openDocument } from "./pdfjs-document-loader.ts";
import { renderPage } from "./page-renderer.ts";
import type { ChildMessage, ParentMessage, WorkerConfig, WorkerResultByKind } from "./render-protocol.ts";
import { extractPage } from "./text-extractor.ts";

// Niced first, so the threads started from here on (libuv's, which run the image encoder) inherit
// it: on a busy machine the API process's event loop then wins the CPU over page rendering.
const nice = Number(process.argv[2] ?? 0);
if (nice > 0) {
  try {
    setPriority(Math.min(19, getPriority() + nice));
  } catch {
    // Not permitted here (some containers): run at normal priority.
  }
}

let config: WorkerConfig | undefined;
let documents: DocumentCache | undefined;
let ocr: OcrEngine | undefined;
// Requests are answered in order even if the parent ever pipelines them.
let queue: Promise<void> = Promise.resolve();

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function documentFor(documentKey: string, bytes: Uint8Array | undefined): Promise<PDFDocumentProxy | undefined> {
  if (!config || !documents) throw new Error("Render worker used before init");
  const cached = documents.get(documentKey);
  if (cached) return cached.doc;
  if (!bytes) return undefined;
  const opened = await openDocument(bytes, config);
  await documents.set(documentKey, opened);
  return opened.doc;
}

async function handleRequest(message: Extract<ParentMessage, { type: "request" }>): Promise<void> {
  const { id, operation, documentKey, bytes } = message;
  try {
    let result: WorkerResultByKind[keyof WorkerResultByKind];
    if (operation.kind === "ocr") {
      result = await (ocr ??= new OcrEngine(config?.ocrCachePath ?? ".")).recognize(operation.png);
    } else {
      if (documentKey === undefined) throw new Error("Document operation without a documentKey");
      const doc = await documentFor(documentKey, bytes);
      if (!doc) {
        send({ type: "need-bytes", id });
        return;
      }
      if (operation.kind === "inspect") result = await inspectDocument(doc);
      else if (operation.kind === "render") {
        const { pageNumber, dpi, format = "png", quality } = operation;
        result = await renderPage(doc, pageNumber, dpi, config?.maxPixelsPerPage ?? 0, { format, quality });
      } else result = await extractPage(doc, operation.pageNumber);
    }
    send({ type: "result", id, result, cachedKeys: documents?.keys() ?? [] });
  } catch (error) {
    const pdfError =
      error instanceof PdfError ? error : new PdfError("WORKER_CRASHED", `Render worker failed: ${String(error)}`);
    send({ type: "error", id, code: pdfError.code, message: pdfError.message, cachedKeys: documents?.keys() ?? [] });
  }
}

process.on("message", (message: ParentMessage) => {
  if (message.type === "init") {
    config = message.config;
    documents = new DocumentCache(config.documentCacheSize);
    send({ type: "ready" });
    return;
  }
  queue = queue.then(() => handleRequest(message));
});

// Dying with the parent: at once on disconnect, and through a watchdog thread for the case where
// this thread is stuck and cannot see the disconnect.
process.on("disconnect", () => process.kill(process.pid, "SIGKILL"));
new Worker(new URL("./parent-watchdog.ts", import.meta.url), {
  workerData: { parentPid: process.ppid, intervalMs: 1000 },
}).unref();
