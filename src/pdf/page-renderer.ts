import { createCanvas } from "@napi-rs/canvas";
import type { PDFDocumentProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import { DEFAULT_JPEG_QUALITY, type PageImageEncoding } from "./page-image-format.ts";
import { PdfError } from "./pdf-error.ts";
import type { RenderedPage } from "./pdf-types.ts";
import { computeRenderScale } from "./render-scale.ts";

/** Fetches page `pageNumber` (1-based), failing with PAGE_OUT_OF_RANGE outside the document. */
export async function getPageChecked(doc: PDFDocumentProxy, pageNumber: number) {
  if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > doc.numPages) {
    throw new PdfError("PAGE_OUT_OF_RANGE", `Page ${pageNumber} is outside 1..${doc.numPages}`);
  }
  try {
    return await doc.getPage(pageNumber);
  } catch (error) {
    throw new PdfError("PDF_CORRUPT", `Page ${pageNumber} cannot be read: ${String(error)}`, { cause: error });
  }
}

/**
 * Renders one page at `dpi`, downscaled when the page would exceed `maxPixels` (dpiUsed tells
 * the caller by how much), encoded as `encoding` asks (PNG when not given).
 */
export async function renderPage(
  doc: PDFDocumentProxy,
  pageNumber: number,
  dpi: number,
  maxPixels: number,
  encoding: PageImageEncoding = { format: "png" },
): Promise<RenderedPage> {
  const page = await getPageChecked(doc, pageNumber);
  try {
    const natural = page.getViewport({ scale: 1 });
    const { scale, dpiUsed, width, height } = computeRenderScale({
      widthPt: natural.width,
      heightPt: natural.height,
      dpi,
      maxPixels,
    });
    const viewport = page.getViewport({ scale });
    const cpuBefore = process.cpuUsage();
    const drawStarted = performance.now();
    const canvas = createCanvas(width, height);
    try {
      // pdf.js types its canvas as the DOM's; @napi-rs/canvas is the Node implementation it
      // loads itself, so the two are the same at run time.
      await page.render({ canvas: canvas as unknown as HTMLCanvasElement, viewport }).promise;
    } catch (error) {
      throw new PdfError("PDF_CORRUPT", `Page ${pageNumber} cannot be rendered: ${String(error)}`, { cause: error });
    }
    const encodeStarted = performance.now();
    // encode() runs on libuv's thread pool; the encoder, not pdf.js, was the larger half of a
    // page's time with PNG (see page-image-format.ts).
    const encoded =
      encoding.format === "jpeg" ? await canvas.encode("jpeg", encoding.quality ?? DEFAULT_JPEG_QUALITY) : await canvas.encode("png");
    const image = new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength);
    const encodeMs = performance.now() - encodeStarted;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    return { pageNumber, width, height, dpiUsed, format: encoding.format, image, drawMs: encodeStarted - drawStarted, encodeMs, cpuMs };
  } finally {
    // Drops decoded images and the operator list; fonts stay in the document for later pages.
    page.cleanup();
  }
}
