import { GraphQLError } from "graphql";

export interface UploadIssue {
  /** 0-based position of the file in the request; -1 for the request as a whole. */
  index: number;
  filename: string;
  code: "TOO_MANY_FILES" | "NO_FILES" | "FILE_TOO_LARGE" | "EMPTY_FILE" | "NOT_A_PDF";
  message: string;
}

const PDF_MAGIC = "%PDF-";

/**
 * Checks every file before anything is stored: count, size, and the PDF magic bytes.
 * Returns every issue, so one error can name each offending file.
 */
export interface UploadedFile {
  name: string;
  size: number;
  /** The file's bytes; read only for files within the size limit. */
  bytes(): Promise<Uint8Array>;
}

export async function findUploadIssues(files: UploadedFile[], limits: { maxFiles: number; maxFileBytes: number }): Promise<UploadIssue[]> {
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
    const head = new TextDecoder("latin1").decode((await file.bytes()).subarray(0, PDF_MAGIC.length));
    if (head !== PDF_MAGIC) issues.push({ index, filename, code: "NOT_A_PDF", message: `${filename} does not start with %PDF- and is not a PDF.` });
  }
  return issues;
}

export function invalidUploadError(issues: UploadIssue[]): GraphQLError {
  return new GraphQLError(`The upload was rejected and nothing was stored: ${issues.map((issue) => issue.message).join(" ")}`, {
    extensions: { code: "INVALID_UPLOAD", issues },
  });
}
