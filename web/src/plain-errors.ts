/** Error codes of the pipeline and the provider layer, in words a user can act on. */
const PLAIN: Record<string, string> = {
  PDF_CORRUPT: "The file is damaged and could not be read as a PDF.",
  PDF_ENCRYPTED: "The PDF is password-protected; remove the password and upload it again.",
  PDF_TOO_MANY_PAGES: "The PDF has more pages than this server accepts.",
  NOT_A_PDF: "The file is not a PDF.",
  EMPTY_FILE: "The file is empty.",
  FILE_TOO_LARGE: "The file is larger than this server accepts.",
  PAGE_TIMEOUT: "A page took too long to process and was stopped.",
  WORKER_MEMORY_EXCEEDED: "A page needed more memory than allowed and was stopped.",
  WORKER_CRASHED: "The page renderer stopped unexpectedly while working on this file.",
  OCR_FAILED: "Text recognition failed on a scanned page.",
  DEPENDENCY_FAILED: "A document this one depends on failed, so it was not processed.",
  BATCH_FAILED: "Another document in the batch failed and the batch was set to stop on the first failure.",
  CANCELLED: "Cancelled.",
  ABORTED: "Stopped before it finished.",
  RATE_LIMITED: "Too many requests right now; try again in a minute.",
  QUOTA_EXCEEDED: "The model provider's quota is used up.",
  LINE_TOO_LONG: "A line of the file is longer than the embedding model accepts.",
};

/** "The file is damaged… (PDF_CORRUPT)", or the server's own message for codes we do not know. */
export function plainError(error: { code: string; message: string } | null | undefined): string {
  if (!error) return "";
  const plain = PLAIN[error.code] ?? (error.code.startsWith("PROVIDER_") ? `The model provider refused: ${error.message}` : error.message);
  return `${plain} (${error.code})`;
}
