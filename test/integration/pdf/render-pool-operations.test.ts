import { getPriority } from "node:os";
import { loadImage } from "@napi-rs/canvas";
import { beforeAll, describe, expect, it } from "vitest";
import type { TextItem } from "../../../src/pdf/pdf-types.ts";
import {
  buildLargePagePdf,
  buildScannedPdf,
  buildTextPdf,
  SCANNED_FIXTURE_LINES,
  TEXT_FIXTURE,
} from "../../helpers/pdf-fixtures.ts";
import { trackPools } from "./pool-tracker.ts";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
const newPool = trackPools();

function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function lineTexts(items: TextItem[]): string[] {
  return items.map((item) => item.text.trim()).filter((text) => text !== "");
}

describe("render pool operations", () => {
  let text: Uint8Array;
  beforeAll(async () => {
    text = await buildTextPdf({ pages: 4, references: 3 });
  });

  it("inspects the parsed page tree and the title", async () => {
    const pool = newPool({ size: 1 });
    const inspection = await pool.inspect("text", text);
    expect(inspection).toMatchObject({ pageCount: 4, encrypted: false, title: TEXT_FIXTURE.title });
    expect(inspection.info.Title).toBe(TEXT_FIXTURE.title);
  });

  it("renders a page to a PNG of the requested DPI", async () => {
    const pool = newPool({ size: 1 });
    const page = await pool.renderPage({ documentKey: "text", bytes: text, pageNumber: 2, dpi: 150 });
    expect(page).toMatchObject({ pageNumber: 2, width: 1275, height: 1650, dpiUsed: 150, format: "png" });
    expect([...page.image.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(page.image)).toEqual({ width: 1275, height: 1650 });
    // The worker reports its own draw and encode time, for the pipeline's render timing.
    expect(page.drawMs).toBeGreaterThan(0);
    expect(page.encodeMs).toBeGreaterThan(0);
  });

  it("renders JPEG when the pool is set to it, and PNG still when a request asks for lossless", async () => {
    const pool = newPool({ size: 1, imageEncoding: { format: "jpeg", quality: 85 } });
    const jpeg = await pool.renderPage({ documentKey: "text", bytes: text, pageNumber: 1, dpi: 150 });
    expect(jpeg).toMatchObject({ format: "jpeg", width: 1275, height: 1650 });
    expect([...jpeg.image.subarray(0, 3)]).toEqual(JPEG_SIGNATURE);
    const decoded = await loadImage(Buffer.from(jpeg.image));
    expect({ width: decoded.width, height: decoded.height }).toEqual({ width: 1275, height: 1650 });
    const lowQuality = await pool.renderPage({ documentKey: "text", bytes: text, pageNumber: 1, dpi: 150, format: "jpeg", quality: 20 });
    expect(lowQuality.image.byteLength).toBeLessThan(jpeg.image.byteLength);
    const png = await pool.renderPage({ documentKey: "text", bytes: text, pageNumber: 1, dpi: 150, format: "png" });
    expect([...png.image.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  });

  it("runs its workers at the niceness it was given, below the API process", async () => {
    const pool = newPool({ size: 1, nice: 7 });
    await pool.inspect("text", text);
    const pid = pool.stats().workers[0]?.pid;
    expect(pid).toBeDefined();
    expect(getPriority(pid)).toBe(Math.min(19, getPriority() + 7));
  });

  it("clamps an oversized page to the pixel budget instead of failing", async () => {
    const pool = newPool({ size: 1, maxPixelsPerPage: 4_000_000 });
    const bytes = await buildLargePagePdf(14_400);
    const page = await pool.renderPage({ documentKey: "large", bytes, pageNumber: 1, dpi: 150 });
    expect(page.width * page.height).toBeLessThanOrEqual(4_000_000);
    expect(page.dpiUsed).toBeCloseTo((page.width / 14_400) * 72, 1);
    expect(page.dpiUsed).toBeLessThan(15);
    expect(pngSize(page.image)).toEqual({ width: page.width, height: page.height });
  });

  it("extracts text items with top-down positions, sizes and fonts", async () => {
    const pool = newPool({ size: 1 });
    const page = await pool.extractPage({ documentKey: "text", bytes: text, pageNumber: 1 });
    expect(page).toMatchObject({ pageNumber: 1, width: 612, height: 792 });
    const byText = (needle: string) => page.items.find((item) => item.text.includes(needle));

    const header = byText(TEXT_FIXTURE.runningHeader);
    const heading = byText(TEXT_FIXTURE.heading(1));
    const footer = byText(TEXT_FIXTURE.footer(1, 4));
    const body = byText(TEXT_FIXTURE.hyphenated.lineEnd);
    expect(header && heading && footer && body).toBeTruthy();
    if (!header || !heading || !footer || !body) return;

    // Top-down: header above heading above body above footer.
    expect(header.y).toBeLessThan(heading.y);
    expect(heading.y).toBeLessThan(body.y);
    expect(body.y).toBeLessThan(footer.y);
    expect(header.y).toBeGreaterThan(15);
    expect(header.y).toBeLessThan(35);

    expect(heading).toMatchObject({ fontSize: TEXT_FIXTURE.headingSize, fontName: "Helvetica-Bold", bold: true });
    expect(body).toMatchObject({ fontSize: TEXT_FIXTURE.bodySize, fontName: "Helvetica", bold: false });
    expect(heading.x).toBeCloseTo(72, 5);
    expect(heading.width).toBeGreaterThan(100);
  });

  it("keeps a hyphenated word's halves on consecutive lines", async () => {
    const pool = newPool({ size: 1 });
    const page = await pool.extractPage({ documentKey: "text", bytes: text, pageNumber: 1 });
    const lines = lineTexts(page.items);
    const end = lines.findIndex((line) => line.endsWith(TEXT_FIXTURE.hyphenated.lineEnd));
    expect(end).toBeGreaterThanOrEqual(0);
    expect(lines[end + 1]?.startsWith(TEXT_FIXTURE.hyphenated.lineStart)).toBe(true);
  });

  it("reads the numbered references on the last page, in order", async () => {
    const pool = newPool({ size: 1 });
    const page = await pool.extractPage({ documentKey: "text", bytes: text, pageNumber: 4 });
    const lines = lineTexts(page.items);
    const start = lines.indexOf(TEXT_FIXTURE.referencesHeading);
    expect(start).toBeGreaterThan(0);
    expect(lines.slice(start + 1, start + 4)).toEqual([1, 2, 3].map(TEXT_FIXTURE.reference));
  });

  it("rejects a page outside the document with PAGE_OUT_OF_RANGE", async () => {
    const pool = newPool({ size: 1 });
    await expect(pool.renderPage({ documentKey: "text", bytes: text, pageNumber: 5, dpi: 72 })).rejects.toMatchObject({
      code: "PAGE_OUT_OF_RANGE",
      permanent: true,
    });
  });

  it("reuses the opened document instead of taking the bytes again", async () => {
    const pool = newPool({ size: 1 });
    await pool.renderPage({ documentKey: "text", bytes: text, pageNumber: 1, dpi: 36 });
    // Garbage bytes under the same key: only the cached document can answer this.
    const garbage = new Uint8Array([1, 2, 3]);
    const page = await pool.extractPage({ documentKey: "text", bytes: garbage, pageNumber: 3 });
    expect(lineTexts(page.items)).toContain(TEXT_FIXTURE.heading(3));
    expect(pool.stats().workers[0]?.documents).toBe(1);
    await expect(pool.inspect("other", garbage)).rejects.toMatchObject({ code: "PDF_CORRUPT" });
  });

  it("OCRs a scanned page that has no text layer from its stored JPEG", async () => {
    const pool = newPool({ size: 1, imageEncoding: { format: "jpeg", quality: 85 } });
    const bytes = await buildScannedPdf();
    const extracted = await pool.extractPage({ documentKey: "scan", bytes, pageNumber: 1 });
    expect(lineTexts(extracted.items)).toEqual([]);

    const image = await pool.renderPage({ documentKey: "scan", bytes, pageNumber: 1, dpi: 150 });
    expect(image.format).toBe("jpeg");
    const ocr = await pool.ocrPage({ png: image.image });
    expect(ocr.confidence).toBeGreaterThan(70);
    expect(ocr.lines.map((line) => line.text)).toEqual(SCANNED_FIXTURE_LINES);
    const first = ocr.lines[0]?.words[0];
    expect(first?.text).toBe("Scanned");
    // Drawn at x=150 px, baseline 300 px at 150 DPI in the fixture image.
    expect(first?.bbox.x0).toBeGreaterThan(140);
    expect(first?.bbox.x0).toBeLessThan(165);
    expect(first?.bbox.y1).toBeGreaterThan(280);
    expect(first?.bbox.y1).toBeLessThan(320);
  });
});
