/**
 * Results of the PDF engine's operations, as the pool returns them to the pipeline. Coordinates
 * are PDF points (1/72 in) measured from the top-left corner of the page as displayed (after the
 * page's /Rotate), so they line up with a rendered PNG scaled by dpiUsed / 72.
 */
import type { PageImageFormat } from "./page-image-format.ts";

/** What VALIDATE needs to know about a document before any page is touched. */
export interface PdfInspection {
  /** Counted from the parsed page tree, not taken from metadata. */
  pageCount: number;
  /** True when the file uses a security handler (it opened, so the user password was empty). */
  encrypted: boolean;
  /** From XMP dc:title or the Info dictionary, when present and non-blank. */
  title?: string;
  /** Primitive entries of the Info dictionary (custom keys prefixed "Custom:"), length-capped. */
  info: Record<string, string | number | boolean>;
}

/** One page rendered to an image (JPEG or PNG: see page-image-format.ts). */
export interface RenderedPage {
  pageNumber: number;
  /** Pixel size of the image. */
  width: number;
  height: number;
  /** The DPI actually used: lower than requested when the pixel cap forced a smaller scale. */
  dpiUsed: number;
  format: PageImageFormat;
  /** The encoded image. */
  image: Uint8Array;
  /** Time the worker spent drawing the page (pdf.js) and encoding the image, for throughput accounting. */
  drawMs: number;
  encodeMs: number;
  /** CPU time of the worker process (all its threads: the encoder runs on libuv's pool) for this page; unlike wall time, load does not inflate it. */
  cpuMs: number;
}

/** A run of text from the page's content stream, as pdf.js groups it. */
export interface TextItem {
  text: string;
  /** Left edge, in points from the page's left. */
  x: number;
  /** Top edge (baseline minus the font's ascent), in points from the page's top. */
  y: number;
  width: number;
  height: number;
  /** Effective size in points: the text matrix's vertical scale times the font size. */
  fontSize: number;
  /** The PDF's font name without the subset tag ("ABCDEF+"), or pdf.js's id when unknown. */
  fontName: string;
  /** Present when the font is known; true for bold/black/heavy/semibold faces. */
  bold?: boolean;
  /** True when pdf.js saw a line break after this item. */
  hasEOL: boolean;
}

/** A rectangle in points, top-left origin, like TextItem's coordinates. */
export interface PdfBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * A drawn horizontal or vertical line (a table border, a separator, an underline) in top-left
 * page points: `position` is its y (horizontal) or x (vertical), `start`..`end` its extent along
 * the other axis.
 */
export interface DrawnRule {
  horizontal: boolean;
  position: number;
  start: number;
  end: number;
}

/** The value a user filled into an AcroForm field (the text layer does not carry it). */
export interface FormFieldValue extends PdfBox {
  /** The field's tooltip (/TU) when it has one, else the last part of its name. */
  name: string;
  /** The text or choice; "[x]" for a ticked checkbox or radio button. */
  value: string;
}

/** The text layer of one page. */
export interface ExtractedPage {
  pageNumber: number;
  /** Page size in points, as displayed. */
  width: number;
  height: number;
  items: TextItem[];
  /** Figures (images and drawn boxes) found in the operator list; absent when none. */
  figures?: PdfBox[];
  /** Horizontal and vertical rules drawn on the page (table borders); absent when none. */
  rules?: DrawnRule[];
  /** Filled form fields from the page's widget annotations; absent when none. */
  formFields?: FormFieldValue[];
}

/** A pixel rectangle in the OCR'd image, top-left origin, x1/y1 exclusive. */
export interface OcrBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** One recognised word. Confidence is 0-100. */
export interface OcrWord {
  text: string;
  confidence: number;
  bbox: OcrBox;
}

/** One recognised line with its words. */
export interface OcrLine {
  text: string;
  confidence: number;
  bbox: OcrBox;
  words: OcrWord[];
}

/** OCR of one page image. */
export interface OcrResult {
  text: string;
  /** Mean word confidence, 0-100. */
  confidence: number;
  lines: OcrLine[];
}
