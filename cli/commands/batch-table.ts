/** The summary table printed after a batch and by `quire status`. */
import type { BatchHead, DocumentRow } from "../../client/batch-operations.ts";
import { formatTable, statusText } from "../terminal-output.ts";

export function printBatchTable(batch: BatchHead, documents: DocumentRow[]): void {
  const rows = documents.map((d) => [
    d.filename,
    statusText(d.status),
    d.pageCount === null ? "-" : String(d.pageCount),
    `${Math.round(d.progress * 100)}%`,
    d.error ? `${d.error.code}: ${d.error.message}` : (d.stage ?? ""),
  ]);
  process.stdout.write(formatTable(["DOCUMENT", "STATUS", "PAGES", "DONE", "STAGE / ERROR"], rows) + "\n");
  const label = batch.label ? ` "${batch.label}"` : "";
  process.stdout.write(
    `\nBatch ${batch.id}${label}: ${statusText(batch.status)}, ${batch.completedCount} of ${batch.documentCount} completed, ${batch.failedCount} failed, ${Math.round(batch.progress * 100)}% done\n`,
  );
}
