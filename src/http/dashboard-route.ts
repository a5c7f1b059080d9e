import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Config } from "../config.ts";

/**
 * Serves the dashboard that `npm run build:web` (run by `npm start` and CI) builds from web/
 * into dist/web. The dashboard is a client of the public GraphQL API only: this route serves
 * static files and writes the upload limits into the page, never data.
 */

const DEFAULT_DIST = fileURLToPath(new URL("../../dist/web", import.meta.url));
// Vite's hashed file names: only these are served from assets/, so no path can climb out.
const ASSET = /^\/assets\/([\w.-]+\.(?:js|css|svg|png|woff2?))$/;
const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".html": "text/html; charset=utf-8",
};

function pathOf(req: IncomingMessage): string {
  return (req.url ?? "/").split("?")[0]!;
}

/** True for the dashboard's page and its built files. */
export function isDashboardRequest(req: IncomingMessage): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const path = pathOf(req);
  return path === "/" || path === "/index.html" || path === "/favicon.svg" || ASSET.test(path);
}

/** The page's Content-Security-Policy: our own scripts, styles and sockets, nothing else. */
function contentSecurityPolicy(req: IncomingMessage): string {
  const host = req.headers.host ?? "";
  return [
    "default-src 'self'",
    `connect-src 'self' ws://${host} wss://${host}`,
    "img-src 'self' blob: data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export async function serveDashboard(
  req: IncomingMessage,
  res: ServerResponse,
  config: Pick<Config, "maxFileBytes" | "maxFiles">,
  distDir = DEFAULT_DIST,
): Promise<void> {
  const path = pathOf(req);
  const isPage = path === "/" || path === "/index.html";
  const file = isPage ? "index.html" : path.slice(1);
  let body: Buffer;
  try {
    body = await readFile(join(distDir, file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    const message = isPage ? "The dashboard has not been built: run `npm run build:web` (npm start does it)." : "Not found.";
    res.writeHead(isPage ? 503 : 404, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
    res.end(message);
    return;
  }
  const headers: Record<string, string | number> = {
    "content-type": TYPES[extname(file)] ?? "application/octet-stream",
    "x-content-type-options": "nosniff",
  };
  if (isPage) {
    body = Buffer.from(
      body
        .toString("utf8")
        .replace("%QUIRE_MAX_FILE_MB%", String(config.maxFileBytes / 1024 / 1024))
        .replace("%QUIRE_MAX_FILES%", String(config.maxFiles)),
    );
    headers["cache-control"] = "no-cache";
    headers["content-security-policy"] = contentSecurityPolicy(req);
    headers["referrer-policy"] = "no-referrer";
  } else {
    // Hashed names change with their content; the favicon is small either way.
    headers["cache-control"] = path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "public, max-age=3600";
  }
  headers["content-length"] = body.byteLength;
  res.writeHead(200, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}
