import { DomainError } from "../errors/domain-errors.ts";

/** One reason an upload is refused. */
export interface UploadIssue {
  /** 0-based position of the file in the request; -1 for the request as a whole. */
  index: number;
  filename: string;
  code: "TOO_MANY_FILES" | "NO_FILES" | "FILE_TOO_LARGE" | "EMPTY_FILE" | "NOT_A_PDF";
  message: string;
}

/**
 * The one error of a refused upload, naming every issue: INVALID_UPLOAD, with the issues in its
 * details (src/schema/error-mapping.ts answers HTTP 413 when a file is over the size limit and
 * 400 otherwise; the status matters only before execution).
 */
export class InvalidUploadError extends DomainError {
  readonly issues: UploadIssue[];

  constructor(issues: UploadIssue[]) {
    super("INVALID_UPLOAD", `The upload was rejected and nothing was stored: ${issues.map((issue) => issue.message).join(" ")}`, { issues });
    this.name = "InvalidUploadError";
    this.issues = issues;
  }
}

export function invalidUploadError(issues: UploadIssue[]): InvalidUploadError {
  return new InvalidUploadError(issues);
}
