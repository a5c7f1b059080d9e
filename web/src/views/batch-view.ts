import { gql, onSocketState, subscribe, type ApiError } from "../api.ts";
import { announce, h, percent, progressBar, replaceChildren } from "../dom.ts";
import { BATCH_PROGRESS, BATCH_QUERY, CANCEL_BATCH, RETRY_BATCH, TERMINAL_BATCH, type Batch, type BatchHead, type BatchProgressEvent, type DocumentRow } from "../../../client/batch-operations.ts";
import { plainError } from "../plain-errors.ts";
import { applyEvent, initialBatchState, stageProgress, type BatchState } from "./batch-store.ts";

const STAGE_MARK: Record<string, string> = { COMPLETED: "✓", RUNNING: "…", FAILED: "✗", SKIPPED: "–", CANCELLED: "⊘", PENDING: "·" };

function documentRow(state: BatchState, doc: DocumentRow): HTMLTableRowElement {
  const current = stageProgress(state, doc);
  return h(
    "tr",
    { "data-document": doc.id, "data-status": doc.status },
    h("th", { scope: "row" }, h("a", { href: `#/document/${doc.id}` }, doc.filename)),
    h("td", { "data-label": "Status" }, h("span", { class: `badge ${doc.status.toLowerCase()}` }, doc.status)),
    h("td", { "data-label": "Stage" }, doc.stage ? doc.stage.toLowerCase() : "—",
      h("div", { class: "stage-marks", "aria-label": doc.stages.map((s) => `${s.stage.toLowerCase()} ${s.status.toLowerCase()}`).join(", ") },
        ...doc.stages.map((s) => h("span", { class: `mark ${s.status.toLowerCase()}`, title: `${s.stage}: ${s.status}`, "aria-hidden": "true" }, STAGE_MARK[s.status] ?? "·")))),
    h("td", { "data-label": "Stage progress" },
      current && progressBar(current.value, `${doc.filename}: ${doc.stage ?? ""} progress`),
      h("span", { class: "caption" }, current ? current.caption : "—")),
    h("td", { "data-label": "Overall" }, progressBar(doc.progress, `${doc.filename}: overall progress`), h("span", { class: "caption" }, percent(doc.progress))),
    h("td", { "data-label": "Pages" }, doc.pageCount ?? "—"),
    h("td", { "data-label": "Problem", class: "problem" }, plainError(doc.error ?? doc.stages.find((s) => s.error)?.error) || ""),
  );
}

/** One batch, live: a row per document, totals, cancel and retry. */
export function mountBatch(main: HTMLElement, id: string | undefined): () => void {
  let state = initialBatchState();
  let unsubscribe: (() => void) | undefined;
  let stopped = false;
  let frame = 0;

  const heading = h("h1", { id: "batch-title" }, "Batch");
  const connection = h("p", { id: "connection", role: "status", class: "connection" });
  const totals = h("div", { id: "batch-totals", class: "totals", "aria-live": "polite" });
  const tbody = h("tbody");
  const table = h(
    "table",
    { id: "documents", class: "responsive" },
    h("caption", { class: "visually-hidden" }, "Documents in this batch"),
    h("thead", {}, h("tr", {}, ...["Document", "Status", "Stage", "Stage progress", "Overall", "Pages", "Problem"].map((c) => h("th", { scope: "col" }, c)))),
    tbody,
  );
  const message = h("p", { id: "batch-message", role: "alert", class: "error" });
  const cancel = h("button", { type: "button", id: "cancel-batch" }, "Cancel batch");
  const retry = h("button", { type: "button", id: "retry-batch" }, "Retry failed and cancelled");
  const research = h("a", { href: `#/research/${id ?? ""}`, id: "research-link" }, "Research: citations, topics, entities, report");
  main.append(h("section", { class: "card wide", "aria-labelledby": "batch-title" }, heading, connection, totals, h("div", { class: "actions" }, cancel, retry, research), message, h("div", { class: "table-wrap" }, table)));

  const render = (): void => {
    frame = 0;
    const batch = state.batch;
    if (state.notFound) {
      heading.textContent = "Batch not found";
      return;
    }
    connection.textContent = { live: "Live", reconnecting: "Connection lost — reconnecting…", finished: "Finished", connecting: "Connecting…" }[state.connection];
    connection.dataset.state = state.connection;
    message.textContent = state.error;
    if (!batch) return;
    heading.textContent = `Batch ${batch.label ?? batch.id.slice(0, 8)}`;
    const running = batch.documents.filter((d) => d.status === "RUNNING").length;
    const queued = batch.documents.filter((d) => d.status === "QUEUED").length;
    replaceChildren(
      totals,
      h("span", { id: "batch-status", class: `badge ${batch.status.toLowerCase()}` }, batch.status),
      progressBar(batch.progress, "Batch progress"),
      h("span", {}, ` ${percent(batch.progress)} · ${batch.completedCount} of ${batch.documentCount} completed · ${batch.failedCount} failed · ${running} running · ${queued} queued`),
    );
    cancel.disabled = TERMINAL_BATCH.includes(batch.status);
    retry.disabled = !["FAILED", "PARTIAL", "CANCELLED"].includes(batch.status);
    replaceChildren(tbody, ...batch.documents.map((doc) => documentRow(state, doc)));
  };
  const set = (next: BatchState): void => {
    state = next;
    frame ||= requestAnimationFrame(render);
  };

  const load = async (): Promise<void> => {
    const data = await gql<{ batch: Batch | null }>(BATCH_QUERY, { id });
    if (!data.batch) set({ ...state, notFound: true });
    else set({ ...state, batch: data.batch, pages: new Map() });
  };

  const follow = (): void => {
    unsubscribe?.();
    set({ ...state, connection: "connecting" });
    unsubscribe = subscribe<{ batchProgress: BatchProgressEvent }>(BATCH_PROGRESS, { id }, {
      next: ({ batchProgress: event }) => {
        // A snapshot comes first and again after every reconnect: reload the whole batch then.
        if (event.kind === "SNAPSHOT") {
          set({ ...state, connection: "live" });
          void load().catch((error: ApiError) => set({ ...state, error: error.message }));
          return;
        }
        const before: BatchHead | undefined = state.batch ?? undefined;
        set(applyEvent({ ...state, connection: "live" }, event));
        if (event.kind === "DOCUMENT_FINISHED" && event.document) announce(`${event.document.filename}: ${event.document.status.toLowerCase()}.`);
        if (before && before.status !== event.batch.status) announce(`Batch ${event.batch.status.toLowerCase()}.`);
      },
      error: (error) => set({ ...state, error: error.message }),
      complete: () => {
        if (!stopped) set({ ...state, connection: "finished" });
        // The last events may have raced the final snapshot query; read the end state once.
        void load().catch(() => undefined);
      },
    });
  };

  const stopSocketState = onSocketState((socket) => {
    if (socket === "reconnecting" && state.connection !== "finished") set({ ...state, connection: "reconnecting" });
  });

  const act = (mutation: string, name: "cancelBatch" | "retryBatch", verb: string): void => {
    cancel.disabled = retry.disabled = true;
    gql<Record<string, BatchHead>>(mutation, { id }).then(
      (data) => {
        announce(`Batch ${verb}.`);
        if (state.batch) set({ ...state, error: "", batch: { ...state.batch, ...data[name] } });
        void load().then(() => (name === "retryBatch" ? follow() : undefined));
      },
      (error: ApiError) => set({ ...state, error: error.message }),
    );
  };
  cancel.addEventListener("click", () => act(CANCEL_BATCH, "cancelBatch", "cancelled"));
  retry.addEventListener("click", () => act(RETRY_BATCH, "retryBatch", "retried"));

  load().then(follow, (error: ApiError) => set({ ...state, error: error.message }));
  return () => {
    stopped = true;
    unsubscribe?.();
    stopSocketState();
    if (frame) cancelAnimationFrame(frame);
  };
}
