import type { Batch, BatchHead, BatchProgressEvent, DocumentRow, Stage } from "../../../client/batch-operations.ts";

/** What the batch view shows: the batch and its documents, kept current by batchProgress. */
export interface BatchState {
  batch: Batch | null;
  /** The page counter of the stage running now, per document id (from PAGE_PROGRESS). */
  pages: Map<string, { stage: Stage; done: number; total: number | null }>;
  notFound: boolean;
  error: string;
  connection: "live" | "reconnecting" | "finished" | "connecting";
}

export const initialBatchState = (): BatchState => ({ batch: null, pages: new Map(), notFound: false, error: "", connection: "connecting" });

function withHead(batch: Batch, head: BatchHead): Batch {
  return { ...batch, ...head };
}

function withDocument(batch: Batch, document: DocumentRow): Batch {
  const index = batch.documents.findIndex((d) => d.id === document.id);
  const documents = [...batch.documents];
  if (index === -1) documents.push(document);
  else documents[index] = document;
  return { ...batch, documents };
}

/** The state after one subscription event (the SNAPSHOT itself is answered by a full query). */
export function applyEvent(state: BatchState, event: BatchProgressEvent): BatchState {
  if (!state.batch) return state;
  let batch = withHead(state.batch, event.batch);
  const pages = new Map(state.pages);
  if (event.document) {
    batch = withDocument(batch, event.document);
    if (event.kind === "PAGE_PROGRESS" && event.stage) {
      pages.set(event.document.id, { stage: event.stage, done: event.pagesDone ?? 0, total: event.pagesTotal });
    } else if (event.kind !== "STAGE_STARTED") {
      pages.delete(event.document.id);
    }
  }
  return { ...state, batch, pages };
}

/** 0..1 progress of the stage a document is in now, and a caption ("3 of 12 pages"). */
export function stageProgress(state: BatchState, document: DocumentRow): { value: number; caption: string } | null {
  const stage = document.stage;
  if (!stage || document.status !== "RUNNING") return null;
  const live = state.pages.get(document.id);
  const checkpoint = document.stages.find((s) => s.stage === stage);
  const done = live?.stage === stage ? live.done : (checkpoint?.pagesDone ?? 0);
  const total = live?.stage === stage ? live.total : (checkpoint?.pagesTotal ?? null);
  if (total) return { value: done / total, caption: `${done} of ${total} pages` };
  return { value: checkpoint?.status === "COMPLETED" ? 1 : 0, caption: checkpoint?.status === "RUNNING" ? "running" : "waiting" };
}
