/**
 * Every way a PDF operation can fail, as a stable code the pipeline can branch on. `permanent`
 * codes describe the document itself (retrying the same bytes cannot help); the others depend on
 * load, timing or the caller and may succeed on a later attempt, bounded by the job's retries.
 */
export const PDF_ERROR_CODES = {
  PDF_CORRUPT: true,
  PDF_ENCRYPTED: true,
  PDF_TOO_MANY_PAGES: true,
  PAGE_OUT_OF_RANGE: true,
  // A hostile page usually times out every time, but so does a sound page on an overloaded
  // host; the pipeline's attempt limit decides, not this flag.
  PAGE_TIMEOUT: false,
  // The RSS cap covers the child as a whole, including other documents it had cached.
  WORKER_MEMORY_EXCEEDED: false,
  WORKER_CRASHED: false,
  OCR_FAILED: false,
  ABORTED: false,
  POOL_CLOSED: false,
} as const satisfies Record<string, boolean>;

/** One of the codes in PDF_ERROR_CODES. */
export type PdfErrorCode = keyof typeof PDF_ERROR_CODES;

/** A failed PDF operation: `code` says what happened, `permanent` whether a retry is pointless. */
export class PdfError extends Error {
  override readonly name = "PdfError";
  readonly code: PdfErrorCode;
  readonly permanent: boolean;

  constructor(code: PdfErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.permanent = PDF_ERROR_CODES[code];
  }
}

/** True when `value` names a PdfErrorCode (used when an error crosses the process boundary). */
export function isPdfErrorCode(value: unknown): value is PdfErrorCode {
  return typeof value === "string" && Object.hasOwn(PDF_ERROR_CODES, value);
}
