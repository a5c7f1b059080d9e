import { fetchBlob, type ApiError } from "../api.ts";
import { h, replaceChildren } from "../dom.ts";
import type { BatchReport, EntityCluster } from "../../../client/research-operations.ts";

/** The batch report's figures: documents, pages, references and model usage. */
export function reportSection(report: BatchReport): HTMLElement {
  const figures: [string, string][] = [
    ["Documents", `${report.completedCount} of ${report.documentCount} completed, ${report.failedCount} failed`],
    ["Pages", String(report.pageCount)],
    ["References", `${report.referenceCount} (${report.citationLinkCount} within the batch)`],
    ["Model calls", String(report.modelCalls)],
    ["Tokens", `${report.inputTokens} in, ${report.outputTokens} out`],
    ["Cost", `$${report.costUsd.toFixed(4)}`],
  ];
  return h(
    "div",
    { id: "batch-report" },
    h("h2", {}, "Report"),
    h("dl", { class: "figures" }, ...figures.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value)])),
    report.failures.length > 0 && h("p", { class: "error" }, `Failures: ${report.failures.map((f) => `${f.code} × ${f.count}`).join(", ")}`),
  );
}

/** Topics (embedded documents clustered), each with its keywords and documents. */
export function topicsSection(report: BatchReport): HTMLElement {
  return h(
    "div",
    {},
    h("h2", {}, "Topics"),
    report.topics.length
      ? h(
          "ul",
          { id: "topics" },
          ...report.topics.map((t) =>
            h("li", {}, h("strong", {}, t.label), ` — ${t.keywords.join(", ")} `, h("span", { class: "meta" }, `(${t.documents.map((d) => d.filename).join(", ")})`)),
          ),
        )
      : h("p", { class: "hint" }, "No topics (topics need documents that went through EMBED)."),
  );
}

/** Entities named across the batch, merged by alias, largest first. */
export function entitiesSection(entities: EntityCluster[]): HTMLElement {
  return h(
    "div",
    {},
    h("h2", {}, "Entities"),
    entities.length
      ? h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { id: "entities", class: "responsive" },
            h("caption", { class: "visually-hidden" }, "Entities named in the batch"),
            h("thead", {}, h("tr", {}, ...["Entity", "Kind", "Mentions", "Also written", "Documents"].map((c) => h("th", { scope: "col" }, c)))),
            h(
              "tbody",
              {},
              ...entities.map((e) =>
                h(
                  "tr",
                  {},
                  h("th", { scope: "row" }, e.name),
                  h("td", { "data-label": "Kind" }, e.kind.toLowerCase()),
                  h("td", { "data-label": "Mentions" }, e.mentionCount),
                  h("td", { "data-label": "Also written" }, e.aliases.filter((a) => a !== e.name).join(", ") || "—"),
                  h("td", { "data-label": "Documents" }, e.documents.length),
                ),
              ),
            ),
          ),
        )
      : h("p", { class: "hint" }, "No entities found."),
  );
}

/** Download buttons for the graph exports, which are served under the key (so fetched, then saved). */
export function exportLinks(batchId: string, urls: string[]): HTMLElement {
  const out = h("p", { class: "actions", id: "exports" });
  for (const format of ["graphml", "json"] as const) {
    const button = h("button", { type: "button", id: `export-${format}` }, `Export graph (${format === "graphml" ? "GraphML" : "JSON"})`);
    button.addEventListener("click", () => {
      button.disabled = true;
      fetchBlob(`/batches/${batchId}/graph.${format}`).then(
        (blob) => {
          const url = URL.createObjectURL(blob);
          urls.push(url);
          const link = h("a", { href: url, download: `batch-${batchId}.${format === "graphml" ? "graphml" : "json"}`, id: `export-${format}-link` }, `Save batch-${batchId.slice(0, 8)}.${format}`);
          button.replaceWith(link);
          link.focus();
        },
        (error: ApiError) => {
          button.disabled = false;
          replaceChildren(out, h("span", { class: "error" }, error.message));
        },
      );
    });
    out.append(button);
  }
  return out;
}
