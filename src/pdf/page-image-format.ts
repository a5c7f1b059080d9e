/**
 * The encodings a rendered page can be stored in, and how to tell them apart from their bytes.
 *
 * Why JPEG by default: at 150 DPI, @napi-rs/canvas encodes a paper page to PNG in 130-150 ms
 * (more than pdf.js takes to draw it) but to JPEG q85 in 30-40 ms, at a similar size (250-500 KB
 * either way for text pages, far smaller for photos). JPEG q85 keeps glyph edges clean enough for
 * thumbnails, tesseract OCR and vision models. PNG stays available for lossless needs. WebP was
 * measured too (40 % smaller than JPEG but 3-10x slower to encode than PNG) and is not offered.
 */
export const PAGE_IMAGE_FORMATS = ["jpeg", "png"] as const;
export type PageImageFormat = (typeof PAGE_IMAGE_FORMATS)[number];

/** How a rendered page is encoded: `quality` (1-100) applies to JPEG only. */
export interface PageImageEncoding {
  format: PageImageFormat;
  quality?: number;
}

export const DEFAULT_JPEG_QUALITY = 85;

const MEDIA_TYPES = { jpeg: "image/jpeg", png: "image/png" } as const satisfies Record<PageImageFormat, string>;
export type PageImageMediaType = (typeof MEDIA_TYPES)[PageImageFormat];

/** The media type of an encoding. */
export function mediaTypeOf(format: PageImageFormat): PageImageMediaType {
  return MEDIA_TYPES[format];
}

/**
 * The format of stored page bytes, read from their signature, so images rendered under an
 * earlier setting keep being served and sent with the right type. Undefined for anything else.
 */
export function sniffPageImageFormat(bytes: Uint8Array): PageImageFormat | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  return undefined;
}
