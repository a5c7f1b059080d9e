import type { IncomingMessage, ServerResponse } from "node:http";
import { tokenFromAuthorization } from "../auth/api-key-format.ts";
import { authenticate } from "../auth/api-key-service.ts";
import type { Services } from "../services.ts";

const ROUTE = /^\/embeddings\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.ndjson$/i;

/** True when the request is for an embedding job's results (GET /embeddings/<jobId>.ndjson). */
export function isEmbeddingDownloadRequest(req: IncomingMessage): boolean {
  return (req.method === "GET" || req.method === "HEAD") && ROUTE.test((req.url ?? "").split("?")[0]!);
}

function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify({ error: message }));
}

/**
 * Streams an embedding job's results to its owner as NDJSON, one line per non-empty input line
 * in file order, under the same `Authorization: Bearer` key as GraphQL. Rows are read a page at
 * a time and written with backpressure, so memory stays flat whatever the job's size. Another
 * user's job answers exactly like a job that does not exist (404); a job still running 409.
 */
export async function serveEmbeddingDownload(req: IncomingMessage, res: ServerResponse, services: Services | undefined): Promise<void> {
  if (!services) return reply(res, 503, "Quire is starting; try again shortly.");
  const [, jobId] = ROUTE.exec((req.url ?? "").split("?")[0]!)!;
  const viewer = await authenticate(services.db.prisma, tokenFromAuthorization(req.headers.authorization));
  if (!viewer) return reply(res, 401, "A valid API key is required (Authorization: Bearer <key>).");
  const results = await services.embeddingJobs.openResults(viewer.userId, jobId!);
  if (!results) return reply(res, 404, "Embedding job not found.");
  const { job, chunks } = results;
  if (job.status === "QUEUED" || job.status === "RUNNING") {
    await chunks.return(undefined);
    return reply(res, 409, "The embedding job is still running; download its results once it has finished.");
  }
  res.writeHead(200, {
    "content-type": "application/x-ndjson; charset=utf-8",
    "content-disposition": `attachment; filename="${job.id}.ndjson"`,
    "cache-control": "private, no-store",
    "x-content-type-options": "nosniff",
    "x-embedding-job-status": job.status,
  });
  if (req.method === "HEAD") {
    await chunks.return(undefined);
    res.end();
    return;
  }
  // A failure midway throws with the response unfinished: the caller destroys it, so the
  // client sees a truncated transfer rather than a short file that looks complete.
  for await (const chunk of chunks) {
    if (res.destroyed) break;
    if (!res.write(chunk) && !(await drained(res))) break;
  }
  res.end();
}

/** Waits for `drain`; false when the client went away first. */
function drained(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (ok: boolean) => {
      res.off("drain", onDrain);
      res.off("close", onClose);
      resolve(ok);
    };
    const onDrain = () => settle(true);
    const onClose = () => settle(false);
    res.on("drain", onDrain);
    res.on("close", onClose);
  });
}
