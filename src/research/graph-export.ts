import { XMLBuilder } from "fast-xml-parser";
import { MultiGraph } from "graphology";
import type { CitationNetwork } from "./citation-network.ts";
import type { EntityClusterView } from "./entity-clustering.ts";

type Primitive = string | number | boolean;

// Entities beyond this many make a hairball, not a picture; the most widespread are kept.
const MAX_ENTITIES = 150;

/**
 * The export graph: documents with their citation metrics and `cites` edges (weighted by
 * references), plus entity nodes with `mentions` edges from documents and undirected
 * `co-occurs` edges between entities named by the same documents (weighted by documents).
 */
export function buildExportGraph(network: CitationNetwork, entities: readonly EntityClusterView[]): MultiGraph {
  // Mixed: citations and mentions are directed, co-occurrence is not. Keys keep edges unique.
  const graph = new MultiGraph({ type: "mixed", allowSelfLoops: false });
  for (const node of network.nodes) {
    graph.addNode(node.document.id, {
      type: "document",
      label: node.document.title ?? node.document.filename,
      filename: node.document.filename,
      inDegree: node.inDegree,
      outDegree: node.outDegree,
      pageRank: node.pageRank,
      component: node.component,
    });
  }
  for (const link of network.edges) {
    if (!link.target || !graph.hasNode(link.target.id)) continue;
    const key = `cites:${link.source.id}->${link.target.id}`;
    if (graph.hasEdge(key)) graph.updateEdgeAttribute(key, "weight", (weight: number | undefined) => (weight ?? 0) + 1);
    else graph.addDirectedEdgeWithKey(key, link.source.id, link.target.id, { type: "cites", weight: 1, confidence: link.confidence });
  }
  const kept = entities.slice(0, MAX_ENTITIES);
  for (const entity of kept) {
    const id = `entity:${entity.id}`;
    graph.addNode(id, { type: "entity", label: entity.name, kind: entity.kind, aliases: entity.aliases.join("; "), mentionCount: entity.mentionCount });
    const perDocument = new Map<string, number>();
    for (const mention of entity.mentions) perDocument.set(mention.documentId, (perDocument.get(mention.documentId) ?? 0) + 1);
    for (const documentId of entity.documentIds) {
      if (graph.hasNode(documentId)) graph.addDirectedEdgeWithKey(`mentions:${documentId}->${id}`, documentId, id, { type: "mentions", weight: perDocument.get(documentId) ?? 1 });
    }
  }
  for (let i = 0; i < kept.length; i++) {
    const a = new Set(kept[i]!.documentIds);
    for (let j = i + 1; j < kept.length; j++) {
      const shared = kept[j]!.documentIds.filter((id) => a.has(id)).length;
      if (shared === 0) continue;
      graph.addUndirectedEdgeWithKey(`co-occurs:${kept[i]!.id}|${kept[j]!.id}`, `entity:${kept[i]!.id}`, `entity:${kept[j]!.id}`, { type: "co-occurs", weight: shared });
    }
  }
  return graph;
}

function graphmlType(values: Primitive[]): "boolean" | "int" | "double" | "string" {
  if (values.every((value) => typeof value === "boolean")) return "boolean";
  if (values.every((value) => typeof value === "number" && Number.isInteger(value))) return "int";
  if (values.every((value) => typeof value === "number")) return "double";
  return "string";
}

function keysFor(domain: "node" | "edge", items: Record<string, unknown>[]): { id: string; name: string; type: string }[] {
  const values = new Map<string, Primitive[]>();
  for (const attributes of items) {
    for (const [name, value] of Object.entries(attributes)) {
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") values.set(name, [...(values.get(name) ?? []), value]);
    }
  }
  return [...values].map(([name, list]) => ({ id: `${domain[0]}_${name}`, name, type: graphmlType(list) }));
}

/** GraphML 1.0 (Gephi, networkx, Cytoscape, yEd), written with an XML builder so every value is escaped. */
export function toGraphml(graph: MultiGraph): string {
  const nodes = graph.mapNodes((key, attributes) => ({ key, attributes }));
  const edges = graph.mapEdges((key, attributes, source, target, _sa, _ta, undirected) => ({ key, attributes, source, target, undirected }));
  const nodeKeys = keysFor("node", nodes.map((node) => node.attributes));
  const edgeKeys = keysFor("edge", edges.map((edge) => edge.attributes));
  const data = (keys: { id: string; name: string }[], attributes: Record<string, unknown>) =>
    keys.filter((key) => attributes[key.name] !== undefined).map((key) => ({ "@_key": key.id, "#text": String(attributes[key.name]) }));
  const document = {
    "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" },
    graphml: {
      "@_xmlns": "http://graphml.graphdrawing.org/xmlns",
      key: [
        ...nodeKeys.map((key) => ({ "@_id": key.id, "@_for": "node", "@_attr.name": key.name, "@_attr.type": key.type })),
        ...edgeKeys.map((key) => ({ "@_id": key.id, "@_for": "edge", "@_attr.name": key.name, "@_attr.type": key.type })),
      ],
      graph: {
        "@_id": "G",
        "@_edgedefault": "directed",
        node: nodes.map((node) => ({ "@_id": node.key, data: data(nodeKeys, node.attributes) })),
        edge: edges.map((edge) => ({
          "@_id": edge.key,
          "@_source": edge.source,
          "@_target": edge.target,
          ...(edge.undirected ? { "@_directed": "false" } : {}),
          data: data(edgeKeys, edge.attributes),
        })),
      },
    },
  };
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", format: true, suppressEmptyNode: true });
  return builder.build(document);
}

/** graphology's serialisation (nodes, edges, attributes), readable by graphology.import and most JS graph tools. */
export function toGraphJson(graph: MultiGraph): string {
  return JSON.stringify(graph.export());
}
