import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createWorker, OEM } from "tesseract.js";
import type { Worker as TesseractWorker } from "tesseract.js";
import { PdfError } from "./pdf-error.ts";
import type { OcrBox, OcrLine, OcrResult } from "./pdf-types.ts";

const require = createRequire(import.meta.url);
// The LSTM "best_int" model shipped in node_modules: OCR never downloads anything.
const langPath = join(dirname(require.resolve("@tesseract.js-data/eng/package.json")), "4.0.0_best_int");

/**
 * English OCR with tesseract.js, loaded on first use (about 0.5 s) and kept for the life of the
 * worker process, which is the unit the pool kills on timeout or abort.
 */
export class OcrEngine {
  readonly #cachePath: string;
  #worker: Promise<TesseractWorker> | undefined;

  constructor(cachePath: string) {
    this.#cachePath = cachePath;
  }

  /** Recognises the text in a PNG. */
  async recognize(png: Uint8Array): Promise<OcrResult> {
    let data;
    try {
      const worker = await this.#getWorker();
      ({ data } = await worker.recognize(Buffer.from(png.buffer, png.byteOffset, png.byteLength), {}, { text: true, blocks: true }));
    } catch (error) {
      this.#worker = undefined;
      throw new PdfError("OCR_FAILED", `OCR failed: ${String(error)}`, { cause: error });
    }
    const lines: OcrLine[] = [];
    for (const block of data.blocks ?? []) {
      for (const paragraph of block.paragraphs) {
        for (const line of paragraph.lines) {
          lines.push({
            text: line.text.trimEnd(),
            confidence: line.confidence,
            bbox: box(line.bbox),
            words: line.words.map((word) => ({ text: word.text, confidence: word.confidence, bbox: box(word.bbox) })),
          });
        }
      }
    }
    return { text: data.text, confidence: data.confidence, lines };
  }

  /** Stops the tesseract thread, if one was started. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker) await (await worker.catch(() => undefined))?.terminate();
  }

  #getWorker(): Promise<TesseractWorker> {
    this.#worker ??= (async () => {
      await mkdir(this.#cachePath, { recursive: true });
      return createWorker("eng", OEM.LSTM_ONLY, {
        langPath,
        gzip: true,
        cachePath: this.#cachePath,
        // The default "write" races between workers: one writes the unpacked model while another
        // reads the half-written file. Unpacking the local .gz instead costs ~0.1 s per worker.
        cacheMethod: "none",
      });
    })();
    return this.#worker;
  }
}

function box({ x0, y0, x1, y1 }: OcrBox): OcrBox {
  return { x0, y0, x1, y1 };
}
