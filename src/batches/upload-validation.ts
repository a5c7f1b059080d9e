import type { UploadIssue } from "../uploads/upload-issues.ts";

export { invalidUploadError, type UploadIssue } from "../uploads/upload-issues.ts";

const PDF_MAGIC = "%PDF-";

/** What the checks need to know of one stored upload (its first bytes, not its content). */
export interface UploadedFile {
  name: string;
  size: number;
  /** The first bytes of the file (at least 5 when it has them). */
  head: Uint8Array;
}

/**
 * The batch's own rules, checked on what the stream recorded before anything is adopted:
 * at least one file, no more than `maxFiles`, none empty or over the size limit, each starting
 * with the PDF magic bytes. Returns every issue, so one error can name each offending file.
 */
export function findUploadIssues(files: UploadedFile[], limits: { maxFiles: number; maxFileBytes: number }): UploadIssue[] {
  const issues: UploadIssue[] = [];
  if (files.length === 0) issues.push({ index: -1, filename: "", code: "NO_FILES", message: "Send at least one PDF." });
  if (files.length > limits.maxFiles) {
    issues.push({ index: -1, filename: "", code: "TOO_MANY_FILES", message: `${files.length} files sent; at most ${limits.maxFiles} per batch.` });
  }
  for (const [index, file] of files.entries()) {
    const filename = file.name || `file ${index + 1}`;
    if (file.size === 0) {
      issues.push({ index, filename, code: "EMPTY_FILE", message: `${filename} is empty.` });
      continue;
    }
    if (file.size > limits.maxFileBytes) {
      const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
      issues.push({ index, filename, code: "FILE_TOO_LARGE", message: `${filename} is ${mb(file.size)} MB; the limit is ${mb(limits.maxFileBytes)} MB.` });
      continue;
    }
    const head = new TextDecoder("latin1").decode(file.head.subarray(0, PDF_MAGIC.length));
    if (head !== PDF_MAGIC) issues.push({ index, filename, code: "NOT_A_PDF", message: `${filename} does not start with %PDF- and is not a PDF.` });
  }
  return issues;
}
