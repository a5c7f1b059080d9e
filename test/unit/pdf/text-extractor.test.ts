import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PDFDocument, rgb, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { openDocument } from "../../../src/pdf/pdfjs-document-loader.ts";
import type { ExtractedPage } from "../../../src/pdf/pdf-types.ts";
import { extractPage } from "../../../src/pdf/text-extractor.ts";

const LIMITS = { maxPages: 10, maxImagePixels: 10_000_000 };

async function extract(bytes: Uint8Array, pageNumber = 1): Promise<ExtractedPage> {
  const { task, doc } = await openDocument(bytes, LIMITS);
  try {
    return await extractPage(doc, pageNumber);
  } finally {
    await task.destroy();
  }
}

/** A page with a grey figure box holding a label, a white mask, a rule and a filled text field. */
async function figureAndFormPdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([612, 792]);
  page.drawRectangle({ x: 300, y: 500, width: 200, height: 150, color: rgb(0.9, 0.9, 0.9) });
  page.drawText("Open IE Extractor", { x: 320, y: 600, size: 12, font });
  // Paper-coloured masks and thin rules are not figures.
  page.drawRectangle({ x: 72, y: 100, width: 200, height: 300, color: rgb(1, 1, 1) });
  page.drawLine({ start: { x: 72, y: 450 }, end: { x: 272, y: 450 }, thickness: 0.5 });
  page.drawText("Your name", { x: 72, y: 700, size: 10, font });
  const field = pdf.getForm().createTextField("topmostSubform[0].name[0]");
  field.setText("foobar");
  field.addToPage(page, { x: 150, y: 690, width: 150, height: 16 });
  return pdf.save();
}

describe("extractPage beyond the text layer", () => {
  it("reports figure boxes from the operator list in top-left page points", async () => {
    const page = await extract(await figureAndFormPdf());
    expect(page.figures).toHaveLength(1);
    const [box] = page.figures!;
    expect(box!.x).toBeCloseTo(300, 0);
    expect(box!.y).toBeCloseTo(792 - 650, 0);
    expect(box!.width).toBeCloseTo(200, 0);
    expect(box!.height).toBeCloseTo(150, 0);
  });

  it("reads filled AcroForm values from the widget annotations", async () => {
    const page = await extract(await figureAndFormPdf());
    expect(page.formFields).toEqual([expect.objectContaining({ name: "name", value: "foobar" })]);
    expect(page.formFields![0]!.y).toBeGreaterThan(80);
    expect(page.formFields![0]!.y).toBeLessThan(90);
  });

  it("leaves both out when a page has neither", async () => {
    const pdf = await PDFDocument.create();
    pdf.addPage([300, 300]).drawText("plain", { x: 20, y: 200, size: 10, font: await pdf.embedFont(StandardFonts.Helvetica) });
    const page = await extract(await pdf.save());
    expect(page.figures).toBeUndefined();
    expect(page.formFields).toBeUndefined();
  });
});

describe("drawn rules from the operator list", () => {
  it("reports stroked lines, thin bars and box edges in top-left page points, not white lines or curves", async () => {
    const pdf = await PDFDocument.create();
    const page = pdf.addPage([612, 792]);
    page.drawLine({ start: { x: 72, y: 700 }, end: { x: 300, y: 700 }, thickness: 0.5 });
    page.drawRectangle({ x: 72, y: 600, width: 200, height: 1, color: rgb(0, 0, 0) });
    page.drawRectangle({ x: 350, y: 500, width: 100, height: 50, borderWidth: 0.5, borderColor: rgb(0, 0, 0) });
    page.drawLine({ start: { x: 72, y: 400 }, end: { x: 300, y: 400 }, thickness: 0.5, color: rgb(1, 1, 1) });
    page.drawEllipse({ x: 200, y: 200, xScale: 50, yScale: 30, borderWidth: 0.5, borderColor: rgb(0, 0, 0) });
    page.drawText("x", { x: 20, y: 20, size: 10, font: await pdf.embedFont(StandardFonts.Helvetica) });
    const { rules } = await extract(await pdf.save());
    const rounded = rules!.map((rule) => ({ ...rule, position: Math.round(rule.position), start: Math.round(rule.start), end: Math.round(rule.end) }));
    expect(rounded).toEqual(
      expect.arrayContaining([
        { horizontal: true, position: 92, start: 72, end: 300 },
        { horizontal: true, position: 192, start: 72, end: 272 },
        { horizontal: true, position: 242, start: 350, end: 450 },
        { horizontal: true, position: 292, start: 350, end: 450 },
        { horizontal: false, position: 350, start: 242, end: 292 },
        { horizontal: false, position: 450, start: 242, end: 292 },
      ]),
    );
    expect(rounded).toHaveLength(6);
  });
});

const corpusFile = path.resolve(fileURLToPath(new URL("../../../", import.meta.url)), "../shared/corpus/pdfs/ArabicCIDTrueType.pdf");
const haveCorpus = existsSync(corpusFile);
if (!haveCorpus) console.warn(`[text-extractor] Arabic ligature test skipped: corpus not found at ${corpusFile}`);

describe.skipIf(!haveCorpus)("right-to-left text on the corpus", () => {
  it("expands Arabic ligatures after pdf.js has put the text in logical order", async () => {
    const page = await extract(new Uint8Array(readFileSync(corpusFile)));
    const words = page.items.map((item) => item.text.normalize("NFKC"));
    // "الخطوط" (lam before khah); expanded before reordering it came out "اخلطوط".
    expect(words).toContain("الخطوط");
    expect(words.join(" ")).not.toContain("اخل");
  });
});
