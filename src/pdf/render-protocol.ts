/**
 * Messages between the render pool (parent) and a render worker (child), sent over the IPC
 * channel with `serialization: "advanced"` so Uint8Arrays cross as bytes rather than JSON.
 */
import type { PageImageFormat } from "./page-image-format.ts";
import type { PdfErrorCode } from "./pdf-error.ts";
import type { ExtractedPage, OcrResult, PdfInspection, RenderedPage } from "./pdf-types.ts";

/** Limits and paths a worker needs; sent once in the init message. */
export interface WorkerConfig {
  maxPages: number;
  maxPixelsPerPage: number;
  /** pdf.js maxImageSize: images above this many pixels are skipped, not decoded. */
  maxImagePixels: number;
  /** Opened documents kept per worker. */
  documentCacheSize: number;
  /** Writable folder handed to tesseract.js as cachePath. */
  ocrCachePath: string;
}

/** The operation a request asks for, with its own arguments. */
export type WorkerOperation =
  | { kind: "inspect" }
  /** `format` defaults to PNG; `quality` (1-100) applies to JPEG. */
  | { kind: "render"; pageNumber: number; dpi: number; format?: PageImageFormat; quality?: number }
  | { kind: "extract"; pageNumber: number }
  /** `png` carries any image tesseract reads: the stored page image, PNG or JPEG. */
  | { kind: "ocr"; png: Uint8Array };

/** The result type that belongs to each operation kind. */
export interface WorkerResultByKind {
  inspect: PdfInspection;
  render: RenderedPage;
  extract: ExtractedPage;
  ocr: OcrResult;
}

/** Parent -> child. */
export type ParentMessage =
  | { type: "init"; config: WorkerConfig }
  | {
      type: "request";
      id: number;
      operation: WorkerOperation;
      /** Absent for OCR, which works on an image rather than a document. */
      documentKey?: string;
      /** Omitted when the parent believes the child already holds documentKey. */
      bytes?: Uint8Array;
    };

/** Child -> parent. `cachedKeys` lets the parent know which documents it need not resend. */
export type ChildMessage =
  | { type: "ready" }
  | { type: "result"; id: number; result: WorkerResultByKind[keyof WorkerResultByKind]; cachedKeys: string[] }
  | { type: "error"; id: number; code: PdfErrorCode; message: string; cachedKeys: string[] }
  /** The child evicted the document since the parent last heard; resend with bytes. */
  | { type: "need-bytes"; id: number };
