/**
 * The text layer of one PDF page as the PDF engine hands it to PARSE. Coordinates are PDF
 * points with the origin at the top-left corner of the (rotated, as displayed) page, so `y`
 * grows downwards like reading order does.
 */
export interface TextItem {
  text: string;
  /** Left edge of the item. */
  x: number;
  /**
   * Top edge of the item (baseline minus the font's ascent, or its size), measured down from
   * the page top. Layout compares items by their vertical middles, so either convention works.
   */
  y: number;
  width: number;
  height: number;
  fontSize: number;
  /** The font's name as the engine knows it; real names ("Times-Bold") help bold detection. */
  fontName: string;
  /** Set when the engine knows the font weight; otherwise guessed from `fontName`. */
  bold?: boolean;
  /** pdf.js marks the last item of a text line it saw in the content stream. */
  hasEOL: boolean;
}

/** One page's text items plus the page size they are positioned on. */
export interface PageTextLayer {
  width: number;
  height: number;
  items: TextItem[];
}
