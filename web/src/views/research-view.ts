import type cytoscape from "cytoscape";
import { gql, type ApiError } from "../api.ts";
import { h, replaceChildren } from "../dom.ts";
import { BATCH_REPORT, CITATION_NETWORK, ENTITY_CLUSTERS, type BatchReport, type CitationNetwork, type EntityCluster } from "../../../client/research-operations.ts";
import { entitiesSection, exportLinks, reportSection, topicsSection } from "./research-sections.ts";

interface Research {
  network: CitationNetwork;
  report: BatchReport;
  entities: EntityCluster[];
}

/**
 * A batch's research view: the batch report (with model usage), the citation network as an
 * interactive graph (cytoscape, drawn on a 2D canvas; documents sized by the citations they
 * receive) with the same data as a table for keyboard and screen-reader users, topics, entity
 * clusters, the works cited from outside, and the graph exports.
 */
export function mountResearch(main: HTMLElement, id: string | undefined): () => void {
  let graph: cytoscape.Core | undefined;
  let stopped = false;
  const urls: string[] = [];
  const section = h("section", { class: "card wide", "aria-labelledby": "research-title", "aria-busy": "true" }, h("h1", { id: "research-title" }, "Research"));
  main.append(section);

  const show = ({ network, report, entities }: Research, draw: typeof cytoscape): void => {
    const { metrics } = network;
    const byId = new Map(network.nodes.map((n) => [n.document.id, n]));
    const container = h("div", {
      id: "citation-graph",
      class: "graph",
      role: "img",
      "aria-label": `Citation network: ${metrics.documentCount} documents, ${metrics.linkCount} citations between them, ${metrics.componentCount} connected groups. The table below lists the same.`,
    });
    const pairs = (title: string, list: CitationNetwork["metrics"]["coCitations"], id: string): HTMLElement =>
      h("div", {}, h("h2", {}, title), list.length ? h("ul", { id }, ...list.map((p) => h("li", {}, `${p.first.filename} & ${p.second.filename}: ${p.count}`))) : h("p", { class: "hint" }, "None."));
    replaceChildren(
      section,
      h("p", {}, h("a", { href: `#/batch/${id ?? ""}` }, "← Batch")),
      h("h1", { id: "research-title" }, "Research"),
      exportLinks(id ?? "", urls),
      reportSection(report),
      h("h2", {}, "Citation network"),
      h("p", { id: "network-metrics" }, `${metrics.documentCount} documents · ${metrics.linkCount} citations within the batch · ${metrics.componentCount} connected groups (largest: ${metrics.largestComponentSize})`),
      container,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { id: "network-nodes", class: "responsive" },
          h("caption", {}, "Documents by PageRank"),
          h("thead", {}, h("tr", {}, ...["Document", "Cited by", "Cites", "PageRank", "Group"].map((c) => h("th", { scope: "col" }, c)))),
          h(
            "tbody",
            {},
            ...[...network.nodes]
              .sort((a, b) => b.pageRank - a.pageRank)
              .map((n) =>
                h(
                  "tr",
                  { "data-document": n.document.id },
                  h("th", { scope: "row" }, h("a", { href: `#/document/${n.document.id}` }, n.document.title || n.document.filename)),
                  h("td", { "data-label": "Cited by" }, n.inDegree),
                  h("td", { "data-label": "Cites" }, n.outDegree),
                  h("td", { "data-label": "PageRank" }, n.pageRank.toFixed(3)),
                  h("td", { "data-label": "Group" }, n.component + 1),
                ),
              ),
          ),
        ),
      ),
      topicsSection(report),
      entitiesSection(entities),
      h("div", { class: "columns" }, pairs("Cited together", metrics.coCitations, "co-citations"), pairs("Sharing references", metrics.bibliographicCoupling, "coupling")),
      h("h2", {}, "Most cited works outside the batch"),
      network.externalWorks.length
        ? h("ol", { id: "external-works" }, ...network.externalWorks.map((w) => h("li", {}, `${w.title}${w.year ? ` (${w.year})` : ""} — cited by ${w.citedBy.map((d) => d.filename).join(", ")}`)))
        : h("p", { class: "hint" }, "None."),
    );
    section.setAttribute("aria-busy", "false");

    graph = draw({
      container,
      elements: [
        ...network.nodes.map((n) => ({ data: { id: n.document.id, label: n.document.filename, size: 24 + 18 * n.inDegree } })),
        ...network.edges.flatMap((e, i) => (e.target && byId.has(e.target.id) ? [{ data: { id: `e${i}`, source: e.source.id, target: e.target.id } }] : [])),
      ],
      style: [
        { selector: "node", style: { width: "data(size)", height: "data(size)", label: "data(label)", "background-color": "#1f4e8c", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4 } },
        { selector: "edge", style: { width: 1.5, "line-color": "#8c959f", "target-arrow-color": "#8c959f", "target-arrow-shape": "triangle", "curve-style": "bezier" } },
      ],
      layout: { name: network.edges.length ? "cose" : "grid", animate: false, padding: 30 },
      wheelSensitivity: 0.3,
    });
    graph.on("tap", "node", (event) => {
      location.hash = `#/document/${(event.target as cytoscape.NodeSingular).id()}`;
    });
  };

  // cytoscape is loaded with this view only, so the other views stay small.
  Promise.all([
    gql<{ citationNetwork: CitationNetwork }>(CITATION_NETWORK, { id }),
    gql<{ batchReport: BatchReport }>(BATCH_REPORT, { id }),
    gql<{ entityClusters: EntityCluster[] }>(ENTITY_CLUSTERS, { id }),
    import("cytoscape"),
  ]).then(
    ([{ citationNetwork }, { batchReport }, { entityClusters }, { default: draw }]) => {
      if (!stopped) show({ network: citationNetwork, report: batchReport, entities: entityClusters }, draw);
    },
    (error: ApiError) => section.append(h("p", { class: "error", role: "alert" }, error.message)),
  );
  return () => {
    stopped = true;
    graph?.destroy();
    urls.forEach((url) => URL.revokeObjectURL(url));
  };
}
