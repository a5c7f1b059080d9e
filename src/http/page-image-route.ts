import type { IncomingMessage, ServerResponse } from "node:http";
import { tokenFromAuthorization } from "../auth/api-key-format.ts";
import { authenticate } from "../auth/api-key-service.ts";
import type { PrismaClient } from "../db/prisma-client.ts";
import { mediaTypeOf, sniffPageImageFormat } from "../pdf/page-image-format.ts";

// The extension is optional and only cosmetic: the stored bytes say what they are (JPEG or PNG,
// per QUIRE_PAGE_IMAGE_FORMAT when the page was rendered), and that is the content-type served.
const ROUTE = /^\/documents\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/pages\/(\d{1,5})(?:\.(?:png|jpe?g))?$/i;

/** True when the request is for a rendered page image (GET /documents/<id>/pages/<n>[.png|.jpg]). */
export function isPageImageRequest(req: IncomingMessage): boolean {
  return (req.method === "GET" || req.method === "HEAD") && ROUTE.test((req.url ?? "").split("?")[0]!);
}

function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify({ error: message }));
}

/**
 * Serves a page image to its owner, under the same `Authorization: Bearer` key as GraphQL.
 * Another user's page answers exactly like a page that does not exist (404).
 */
export async function servePageImage(req: IncomingMessage, res: ServerResponse, prisma: PrismaClient | undefined): Promise<void> {
  if (!prisma) return reply(res, 503, "Quire is starting; try again shortly.");
  const [, documentId, number] = ROUTE.exec((req.url ?? "").split("?")[0]!)!;
  const viewer = await authenticate(prisma, tokenFromAuthorization(req.headers.authorization));
  if (!viewer) return reply(res, 401, "A valid API key is required (Authorization: Bearer <key>).");
  const page = await prisma.page.findFirst({
    where: { documentId, number: Number(number), document: { userId: viewer.userId }, image: { not: null } },
    select: { image: true },
  });
  if (!page?.image) return reply(res, 404, "Page image not found.");
  res.writeHead(200, {
    "content-type": mediaTypeOf(sniffPageImageFormat(page.image) ?? "png"),
    "content-length": page.image.byteLength,
    "cache-control": "private, max-age=3600",
    "x-content-type-options": "nosniff",
  });
  res.end(req.method === "HEAD" ? undefined : page.image);
}
