/**
 * The text layer of one PDF page as the PDF engine hands it to PARSE. Coordinates are PDF
 * points with the origin at the top-left corner of the (rotated, as displayed) page, so `y`
 * grows downwards like reading order does.
 */
// The PDF engine's type is the single definition: PARSE consumes exactly what EXTRACT produces.
import type { DrawnRule, FormFieldValue, PdfBox, TextItem } from "../pdf/pdf-types.ts";

export type { DrawnRule, FormFieldValue, PdfBox, TextItem };

/** One page's text items plus the page size they are positioned on. */
export interface PageTextLayer {
  width: number;
  height: number;
  items: TextItem[];
  /** Figure boxes (images, drawn boxes); text inside them is kept out of the running text. */
  figures?: PdfBox[];
  /** Drawn rules; ruled regions with text in their cells become tables. */
  rules?: DrawnRule[];
  /** Values filled into the page's form fields. */
  formFields?: FormFieldValue[];
}
