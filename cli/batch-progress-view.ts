/**
 * Shows a batch while it runs: on a terminal, one cli-progress bar per document (its current
 * stage and pages) under a bar for the whole batch; elsewhere, one plain line per change.
 */
import cliProgress from "cli-progress";
import type { BatchHead, BatchProgressEvent, DocumentRow } from "../client/batch-operations.ts";
import { note, type OutputMode } from "./terminal-output.ts";

interface DocumentState {
  row: DocumentRow;
  stagePages: string;
}

export class BatchProgressView {
  private readonly documents = new Map<string, DocumentState>();
  private readonly bars = new Map<string, cliProgress.SingleBar>();
  private readonly multibar: cliProgress.MultiBar | undefined;
  private totalBar: cliProgress.SingleBar | undefined;
  private readonly nameWidth: number;

  private readonly mode: OutputMode;

  constructor(mode: OutputMode, initial: { batch: BatchHead; documents: DocumentRow[] }) {
    this.mode = mode;
    this.nameWidth = Math.min(40, Math.max(8, ...initial.documents.map((d) => d.filename.length)));
    if (mode.interactive) {
      this.multibar = new cliProgress.MultiBar(
        {
          format: "{name} {bar} {percentage}% {detail}",
          barsize: 24,
          hideCursor: true,
          clearOnComplete: false,
          stream: process.stderr,
          autopadding: true,
        },
        cliProgress.Presets.shades_classic,
      );
      this.totalBar = this.multibar.create(100, 0, { name: this.pad("batch"), detail: "" });
    }
    this.refresh(initial.batch, initial.documents);
  }

  /** Replaces every row (the snapshot after connecting or reconnecting). */
  refresh(batch: BatchHead, documents: DocumentRow[]): void {
    for (const row of documents) this.updateDocument(row, undefined);
    this.updateBatch(batch);
  }

  apply(event: BatchProgressEvent): void {
    if (event.document) {
      const pages = event.pagesTotal ? ` ${event.pagesDone ?? 0}/${event.pagesTotal} pages` : "";
      this.updateDocument(event.document, event.stage ? `${event.stage}${pages}` : undefined);
      if (!this.mode.interactive && !this.mode.json) this.printEvent(event);
    }
    this.updateBatch(event.batch);
  }

  stop(): void {
    this.multibar?.stop();
  }

  private updateDocument(row: DocumentRow, stagePages: string | undefined): void {
    const state = this.documents.get(row.id) ?? { row, stagePages: "" };
    state.row = row;
    if (stagePages !== undefined) state.stagePages = stagePages;
    this.documents.set(row.id, state);
    if (!this.multibar) return;
    const detail = row.status === "RUNNING" ? state.stagePages || (row.stage ?? "") : row.error ? `${row.status} ${row.error.code}` : row.status;
    const bar = this.bars.get(row.id) ?? this.multibar.create(100, 0, { name: this.pad(row.filename), detail });
    this.bars.set(row.id, bar);
    bar.update(Math.round(row.progress * 100), { name: this.pad(row.filename), detail });
  }

  private updateBatch(batch: BatchHead): void {
    this.totalBar?.update(Math.round(batch.progress * 100), {
      name: this.pad("batch"),
      detail: `${batch.status} ${batch.completedCount}/${batch.documentCount} done${batch.failedCount ? `, ${batch.failedCount} failed` : ""}`,
    });
  }

  /** Plain lines for logs and pipes: stage boundaries and outcomes, not every page. */
  private printEvent(event: BatchProgressEvent): void {
    const document = event.document!;
    const percent = `${Math.round(document.progress * 100)}%`.padStart(4);
    switch (event.kind) {
      case "STAGE_STARTED":
      case "STAGE_COMPLETED":
        note(`${percent} ${document.filename}: ${event.stage} ${event.kind === "STAGE_STARTED" ? "started" : "done"}`);
        break;
      case "STAGE_FAILED":
        note(`${percent} ${document.filename}: ${event.stage} failed${document.error ? ` (${document.error.code})` : ""}`);
        break;
      case "DOCUMENT_FINISHED":
        note(`${percent} ${document.filename}: ${document.status}${document.error ? ` - ${document.error.code}: ${document.error.message}` : ""}`);
        break;
      default:
        break;
    }
  }

  private pad(name: string): string {
    const cut = name.length > this.nameWidth ? name.slice(0, this.nameWidth - 1) + "…" : name;
    return cut.padEnd(this.nameWidth);
  }
}
