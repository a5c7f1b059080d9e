import { gql, type ApiError } from "../api.ts";
import { h, percent, progressBar, replaceChildren } from "../dom.ts";
import { BATCHES_QUERY, type BatchesPage } from "../../../client/batch-operations.ts";

const PAGE_SIZE = 10;

/** Batch history: the `batches` connection, a page at a time, newest first. */
export function mountHistory(main: HTMLElement): () => void {
  let stopped = false;
  const tbody = h("tbody");
  const previous = h("button", { type: "button", id: "previous-page", disabled: true }, "← Newer");
  const next = h("button", { type: "button", id: "next-page", disabled: true }, "Older →");
  const message = h("p", { role: "alert", class: "error" });
  const pageLabel = h("p", { id: "page-label", "aria-live": "polite", class: "hint" });
  let page = 1;
  let info: BatchesPage["batches"]["pageInfo"] | undefined;

  const load = (variables: Record<string, unknown>): void => {
    gql<BatchesPage>(BATCHES_QUERY, variables).then(
      ({ batches }) => {
        if (stopped) return;
        info = batches.pageInfo;
        replaceChildren(
          tbody,
          ...batches.edges.map(({ node }) =>
            h(
              "tr",
              { "data-batch": node.id },
              h("th", { scope: "row" }, h("a", { href: `#/batch/${node.id}` }, node.label ?? node.id.slice(0, 8))),
              h("td", { "data-label": "Created" }, new Date(node.createdAt).toLocaleString()),
              h("td", { "data-label": "Status" }, h("span", { class: `badge ${node.status.toLowerCase()}` }, node.status)),
              h("td", { "data-label": "Progress" }, progressBar(node.progress, "Batch progress"), h("span", { class: "caption" }, percent(node.progress))),
              h("td", { "data-label": "Documents" }, `${node.completedCount}/${node.documentCount} done, ${node.failedCount} failed`),
              h("td", { "data-label": "Usage", class: "usage" }, `${node.usage.calls} calls · ${node.usage.inputTokens + node.usage.outputTokens} tokens · $${node.usage.costUsd.toFixed(4)}`),
            ),
          ),
        );
        if (!batches.edges.length) tbody.append(h("tr", {}, h("td", { colspan: 6 }, "No batches yet. Upload some PDFs to start one.")));
        previous.disabled = page <= 1;
        next.disabled = !batches.pageInfo.hasNextPage;
        pageLabel.textContent = `Page ${page}`;
      },
      (error: ApiError) => (message.textContent = error.message),
    );
  };
  next.addEventListener("click", () => {
    page++;
    load({ first: PAGE_SIZE, after: info?.endCursor });
  });
  previous.addEventListener("click", () => {
    page--;
    load({ last: PAGE_SIZE, before: info?.startCursor });
  });

  main.append(
    h(
      "section",
      { class: "card wide", "aria-labelledby": "history-title" },
      h("h1", { id: "history-title" }, "Batches"),
      message,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { id: "batches", class: "responsive" },
          h("caption", { class: "visually-hidden" }, "Your batches, newest first"),
          h("thead", {}, h("tr", {}, ...["Batch", "Created", "Status", "Progress", "Documents", "Model usage"].map((c) => h("th", { scope: "col" }, c)))),
          tbody,
        ),
      ),
      h("div", { class: "actions" }, previous, pageLabel, next),
    ),
  );
  load({ first: PAGE_SIZE });
  return () => {
    stopped = true;
  };
}
