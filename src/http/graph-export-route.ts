import type { IncomingMessage, ServerResponse } from "node:http";
import { tokenFromAuthorization } from "../auth/api-key-format.ts";
import { authenticate } from "../auth/api-key-service.ts";
import { DomainError } from "../errors/domain-errors.ts";
import type { Services } from "../services.ts";

const ROUTE = /^\/batches\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/graph\.(graphml|json)$/i;

/** True when the request is for a batch's graph export (GET /batches/<id>/graph.graphml or graph.json). */
export function isGraphExportRequest(req: IncomingMessage): boolean {
  return (req.method === "GET" || req.method === "HEAD") && ROUTE.test((req.url ?? "").split("?")[0]!);
}

function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify({ error: message }));
}

/**
 * Serves a batch's citation network with entity co-occurrence to its owner, under the same
 * `Authorization: Bearer` key as GraphQL. Another user's batch answers exactly like a batch
 * that does not exist (404).
 */
export async function serveGraphExport(req: IncomingMessage, res: ServerResponse, services: Services | undefined): Promise<void> {
  if (!services) return reply(res, 503, "Quire is starting; try again shortly.");
  const [, batchId, format] = ROUTE.exec((req.url ?? "").split("?")[0]!)!;
  const viewer = await authenticate(services.db.prisma, tokenFromAuthorization(req.headers.authorization));
  if (!viewer) return reply(res, 401, "A valid API key is required (Authorization: Bearer <key>).");
  let body: string;
  try {
    body = await services.research.exportGraph(viewer.userId, batchId!, format!.toLowerCase() as "graphml" | "json");
  } catch (error) {
    if (error instanceof DomainError && error.code === "NOT_FOUND") return reply(res, 404, "Batch not found.");
    throw error;
  }
  const graphml = format!.toLowerCase() === "graphml";
  res.writeHead(200, {
    "content-type": graphml ? "application/graphml+xml; charset=utf-8" : "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "content-disposition": `attachment; filename="batch-${batchId}.${graphml ? "graphml" : "json"}"`,
    "cache-control": "private, no-store",
    "x-content-type-options": "nosniff",
  });
  res.end(req.method === "HEAD" ? undefined : body);
}
