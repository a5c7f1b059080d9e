/** A batch's research results: the citation network, its report and its entity clusters. */

export interface CitationNetwork {
  nodes: { document: { id: string; filename: string; title: string | null }; inDegree: number; outDegree: number; pageRank: number; component: number }[];
  edges: { source: { id: string }; target: { id: string } | null; confidence: number; matchedBy: string }[];
  metrics: {
    documentCount: number;
    linkCount: number;
    componentCount: number;
    largestComponentSize: number;
    coCitations: { first: { filename: string }; second: { filename: string }; count: number }[];
    bibliographicCoupling: { first: { filename: string }; second: { filename: string }; count: number }[];
  };
  externalWorks: { title: string; year: number | null; doi: string | null; citedBy: { filename: string }[] }[];
}

export const CITATION_NETWORK = `query Research($id: ID!) {
  citationNetwork(batchId: $id) {
    nodes { document { id filename title } inDegree outDegree pageRank component }
    edges { source { id } target { id } confidence matchedBy }
    metrics {
      documentCount linkCount componentCount largestComponentSize
      coCitations { first { filename } second { filename } count }
      bibliographicCoupling { first { filename } second { filename } count }
    }
    externalWorks(first: 20) { title year doi citedBy { filename } }
  }
}`;

export interface EntityCluster {
  id: string;
  name: string;
  kind: string;
  aliases: string[];
  mentionCount: number;
  confidence: number;
  documents: { id: string; filename: string }[];
}

const ENTITY_FIELDS = "id name kind aliases mentionCount confidence documents { id filename }";

export const ENTITY_CLUSTERS = `query Entities($id: ID!) {
  entityClusters(batchId: $id, first: 30) { ${ENTITY_FIELDS} }
}`;

export interface BatchReport {
  documentCount: number;
  completedCount: number;
  failedCount: number;
  pageCount: number;
  referenceCount: number;
  citationLinkCount: number;
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  failures: { code: string; count: number }[];
  mostCited: { inDegree: number; pageRank: number; document: { id: string; filename: string; metadata: { title: string | null } | null } }[];
  topEntities: EntityCluster[];
  topics: { label: string; keywords: string[]; silhouette: number; documents: { id: string; filename: string }[] }[];
}

export const BATCH_REPORT = `query Report($id: ID!) {
  batchReport(batchId: $id) {
    documentCount completedCount failedCount pageCount referenceCount citationLinkCount
    modelCalls inputTokens outputTokens costUsd
    failures { code count }
    mostCited { inDegree pageRank document { id filename metadata { title } } }
    topEntities { ${ENTITY_FIELDS} }
    topics { label keywords silhouette documents { id filename } }
  }
}`;
