/**
 * PDFs built in the test, so the PDF engine's tests need nothing from outside the repository:
 * text documents shaped like papers, a scanned (image-only) page, broken and password-locked
 * files, an oversized page and a CVE-2024-4367 payload.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createCanvas, GlobalFonts } from "@napi-rs/canvas";
import { PDFDocument, StandardFonts } from "pdf-lib";

/** Strings the text fixture is known to contain, for assertions. */
export const TEXT_FIXTURE = {
  title: "Quire Fixture Report",
  runningHeader: "Quire Fixture Report - draft for review",
  footer: (page: number, total: number) => `Page ${page} of ${total}`,
  heading: (page: number) => `${page}. Section ${page}: ${TOPICS[(page - 1) % TOPICS.length]}`,
  /** Page 1 breaks this word across two lines. */
  hyphenated: { word: "experimental", lineEnd: "experi-", lineStart: "mental" },
  referencesHeading: "References",
  reference: (n: number) => `[${n}] Author ${n}. On fixture number ${n}. Journal of Tests ${2000 + n}.`,
  headingSize: 18,
  bodySize: 11,
} as const;

const TOPICS = ["Background", "Method", "Results", "Discussion", "Limitations", "Outlook"];
const WORDS = (
  "the pipeline renders every page of each document before extracting its text and the results " +
  "are checked against a manifest that records what another engine reported for the same file"
).split(" ");

/** Options of buildTextPdf. */
export interface TextPdfOptions {
  pages: number;
  /** Entries in the numbered References section on the last page. Default 5. */
  references?: number;
  /** Body lines per page. Default 24. */
  linesPerPage?: number;
}

function bodyLine(page: number, line: number): string {
  const words: string[] = [];
  for (let i = 0; i < 13; i++) words.push(WORDS[(page * 7 + line * 5 + i) % WORDS.length] as string);
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A paper-like document: a running header and footer on every page, a bold heading in a bigger
 * font, body paragraphs, "experimental" hyphenated across a line break on page 1 and a numbered
 * References section closing the last page.
 */
export async function buildTextPdf({ pages, references = 5, linesPerPage = 24 }: TextPdfOptions): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(TEXT_FIXTURE.title);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  for (let n = 1; n <= pages; n++) {
    const page = doc.addPage([612, 792]);
    page.drawText(TEXT_FIXTURE.runningHeader, { x: 72, y: 760, size: 9, font: regular });
    page.drawText(TEXT_FIXTURE.heading(n), { x: 72, y: 710, size: TEXT_FIXTURE.headingSize, font: bold });
    let y = 680;
    for (let line = 0; line < linesPerPage; line++, y -= 15) {
      let text = bodyLine(n, line);
      if (n === 1 && line === 2) text += ` the ${TEXT_FIXTURE.hyphenated.lineEnd}`;
      if (n === 1 && line === 3) text = `${TEXT_FIXTURE.hyphenated.lineStart} setup ${text.toLowerCase()}`;
      // A blank line between paragraphs of eight lines.
      if (line % 8 === 7) continue;
      page.drawText(text, { x: 72, y, size: TEXT_FIXTURE.bodySize, font: regular });
    }
    if (n === pages) {
      y -= 10;
      page.drawText(TEXT_FIXTURE.referencesHeading, { x: 72, y, size: TEXT_FIXTURE.headingSize, font: bold });
      for (let r = 1; r <= references; r++) {
        y -= 14;
        page.drawText(TEXT_FIXTURE.reference(r), { x: 72, y, size: 10, font: regular });
      }
    }
    page.drawText(TEXT_FIXTURE.footer(n, pages), { x: 280, y: 30, size: 9, font: regular });
  }
  return doc.save();
}

/** The lines drawn into the scanned fixture's image. */
export const SCANNED_FIXTURE_LINES = ["Scanned pages carry no text layer", "so Quire reads them with OCR"];

let fontRegistered = false;

/**
 * One letter-size page whose only content is a 150 DPI image of text: no text layer at all,
 * as a scanner would produce. The glyphs come from pdf.js's bundled Liberation Sans, so the
 * image is the same on every machine.
 */
export async function buildScannedPdf(lines: readonly string[] = SCANNED_FIXTURE_LINES): Promise<Uint8Array> {
  if (!fontRegistered) {
    const pdfjsRoot = dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"));
    GlobalFonts.registerFromPath(join(pdfjsRoot, "standard_fonts", "LiberationSans-Regular.ttf"), "QuireFixtureSans");
    fontRegistered = true;
  }
  const canvas = createCanvas(1275, 1650);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = "#000000";
  ctx.font = "44px QuireFixtureSans";
  lines.forEach((line, i) => ctx.fillText(line, 150, 300 + i * 80));
  const doc = await PDFDocument.create();
  const image = await doc.embedPng(await canvas.encode("png"));
  doc.addPage([612, 792]).drawImage(image, { x: 0, y: 0, width: 612, height: 792 });
  return doc.save();
}

/** A text PDF cut after its first `keepBytes` bytes: a header and little else. */
export async function buildTruncatedPdf(keepBytes = 400): Promise<Uint8Array> {
  return (await buildTextPdf({ pages: 3 })).slice(0, keepBytes);
}

/** A page of `sizePt` x `sizePt` points (14400 is the PDF maximum: 200 inches). */
export async function buildLargePagePdf(sizePt = 14_400): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([sizePt, sizePt]);
  page.drawText("Poster", { x: sizePt / 4, y: sizePt / 2, size: sizePt / 20, font });
  return doc.save();
}

/**
 * Assembles a PDF from object bodies (object i+1 is objects[i]) and trailer entries,
 * computing the cross-reference table. For files pdf-lib cannot express.
 */
export function assembleRawPdf(objects: readonly string[], trailer: string): Uint8Array {
  let out = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} ${trailer} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Uint8Array.from(out, (ch) => ch.charCodeAt(0));
}

function stream(content: string, dict = ""): string {
  return `<< /Length ${content.length} ${dict} >>\nstream\n${content}\nendstream`;
}

/**
 * A file protected by the standard security handler whose user password is not empty: it can
 * only be opened with a password we do not have. (The O/U entries are arbitrary, so no password
 * opens it, which is all a reader without one can tell.)
 */
export function buildPasswordProtectedPdf(): Uint8Array {
  const hex = (seed: number) => Array.from({ length: 32 }, (_, i) => ((seed * 31 + i * 17) % 256).toString(16).padStart(2, "0")).join("");
  return assembleRawPdf(
    [
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << >> >>",
      stream("\x8a\x19\x07\xf3\x55\x21\x90\x3c"),
      `<< /Filter /Standard /V 1 /R 2 /O <${hex(1)}> /U <${hex(2)}> /P -3904 >>`,
    ],
    "/Root 1 0 R /Encrypt 5 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]",
  );
}

function pdfLiteral(text: string): string {
  return text.replace(/[\\()]/g, (ch) => `\\${ch}`);
}

/**
 * CVE-2024-4367: pdf.js before 4.2.67 pasted a Type1 font's /FontMatrix into generated
 * JavaScript without checking that its entries are numbers, so a string entry such as
 * `0); <code> //` ran <code> when the page's text was drawn. This fixture's payload sets
 * globalThis.__quire_canary and writes `canaryPath`; a safe renderer does neither.
 */
export function buildFontMatrixInjectionPdf(canaryPath: string): Uint8Array {
  const payload =
    `globalThis.__quire_canary = 1; ` +
    `try { process.getBuiltinModule("fs").writeFileSync(${JSON.stringify(canaryPath)}, "pwned"); } catch (e) {}`;
  const fontMatrix = `[0.001 0 0 0.001 0 (${pdfLiteral(`0);\n${payload}\n//`)})]`;
  return assembleRawPdf(
    [
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
      stream("BT /F1 48 Tf 72 600 Td (ABCDEF) Tj ET"),
      "<< /Type /Font /Subtype /Type1 /BaseFont /QuireCanary /FirstChar 65 /LastChar 70 " +
        `/Widths [600 600 600 600 600 600] /Encoding /WinAnsiEncoding /FontDescriptor 6 0 R /FontMatrix ${fontMatrix} >>`,
      "<< /Type /FontDescriptor /FontName /QuireCanary /Flags 32 /FontBBox [0 -200 1000 900] /ItalicAngle 0 " +
        "/Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 /FontFile3 7 0 R >>",
      stream("not a real font program", "/Subtype /Type1C"),
    ],
    "/Root 1 0 R",
  );
}

/**
 * One page whose content stream draws `shapes` small filled curves: cheap to build and parse,
 * slow to rasterise (seconds for a few hundred thousand), for timeout and abort tests.
 */
export function buildSlowPdf(shapes = 60_000): Uint8Array {
  const ops: string[] = [];
  for (let i = 0; i < shapes; i++) {
    const x = (i * 37) % 600;
    const y = (i * 53) % 780;
    ops.push(`${(i % 10) / 10} ${(i % 7) / 7} 0.5 rg ${x} ${y} m ${x + 9} ${y + 20} ${x + 20} ${y - 9} ${x + 3} ${y + 4} c f`);
  }
  return assembleRawPdf(
    [
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << >> >>",
      stream(ops.join("\n")),
    ],
    "/Root 1 0 R",
  );
}
