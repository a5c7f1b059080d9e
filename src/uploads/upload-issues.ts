import { GraphQLError } from "graphql";

/** One reason an upload is refused. */
export interface UploadIssue {
  /** 0-based position of the file in the request; -1 for the request as a whole. */
  index: number;
  filename: string;
  code: "TOO_MANY_FILES" | "NO_FILES" | "FILE_TOO_LARGE" | "EMPTY_FILE" | "NOT_A_PDF";
  message: string;
}

/**
 * The one error of a refused upload, naming every issue: INVALID_UPLOAD, HTTP 413 when a file
 * is over the size limit and 400 otherwise (the status matters only before execution).
 */
export function invalidUploadError(issues: UploadIssue[]): GraphQLError {
  const tooLarge = issues.some((issue) => issue.code === "FILE_TOO_LARGE");
  return new GraphQLError(`The upload was rejected and nothing was stored: ${issues.map((issue) => issue.message).join(" ")}`, {
    extensions: { code: "INVALID_UPLOAD", issues, http: { status: tooLarge ? 413 : 400 } },
  });
}
