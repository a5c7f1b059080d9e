import { createGraphQLError, type Plugin } from "graphql-yoga";
import type { Config } from "../config.ts";
import { parseStreamingMultipart } from "../uploads/multipart-parser.ts";
import type { StagedUpload } from "../uploads/staged-upload.ts";
import type { UploadStore } from "../uploads/upload-store.ts";

/** Bytes of one non-file multipart field (`operations`, `map`): queries and variables. */
export const maxMultipartFieldBytes = 1024 * 1024;

/** Bodies that are not uploads (JSON, GET-less form posts) are parsed in memory: Yoga's own default cap. */
export const maxNonMultipartBodyBytes = 25_000_000;

/**
 * The largest upload request: the documented upload limit (QUIRE_MAX_FILES × QUIRE_MAX_FILE_MB)
 * plus room for the fields and each part's headers and boundary. Uploads stream to storage, so
 * a body this large never sits in memory; other bodies keep a 25 MB cap (see the plugin).
 */
export function maxRequestBodyBytes(config: Pick<Config, "maxFiles" | "maxFileBytes">): number {
  return config.maxFiles * (config.maxFileBytes + 20 * 1024) + 8 * maxMultipartFieldBytes;
}

function isMultipart(request: Request): boolean {
  return request.method === "POST" && (request.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data");
}

function tooLarge(limit: number, what = "a request that is not an upload") {
  return createGraphQLError(`Request body too large: at most ${limit} bytes for ${what}.`, {
    extensions: { code: "REQUEST_ENTITY_TOO_LARGE", http: { status: 413 } },
  });
}

/** The request with its body counted as it is read: past `limit` the read fails with 413 (for in-memory parsers). */
function limitBody(request: Request, limit: number): Request {
  if (!request.body) return request;
  let read = 0;
  const counted = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength;
        if (read > limit) controller.error(tooLarge(limit));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Request(request.url, { method: request.method, headers: request.headers, body: counted, signal: request.signal, duplex: "half" } as RequestInit);
}

export interface StreamingUploadsOptions {
  /** The store uploads go to (throws SERVICE_UNAVAILABLE while the app starts or stops). */
  store(): UploadStore;
  limits: Pick<Config, "maxFiles" | "maxFileBytes">;
  /** The largest upload body (maxRequestBodyBytes); its bytes are counted as they stream. */
  maxBodyBytes: number;
  /** Checks the caller before a byte of the body is read; rejects (401, 429) to refuse the upload. */
  authorize(request: Request): Promise<void>;
}

/**
 * GraphQL multipart uploads that stream to storage (see parseStreamingMultipart) instead of
 * being buffered by `request.formData()`: the caller is authorised first, each file is stored
 * as it arrives, and when the request ends every upload that no resolver took (a batch adopts
 * its files; embedFile keeps its file until read) is unlinked, whatever the outcome.
 * Runs after the CSRF check, so an upload without the CSRF header is never read.
 */
export function streamingUploadsPlugin(options: StreamingUploadsOptions): Plugin {
  const stagedByRequest = new WeakMap<Request, StagedUpload[]>();
  const limits = { ...options.limits, maxFieldBytes: maxMultipartFieldBytes };
  return {
    onRequestParse({ request, requestParser, setRequestParser }) {
      if (!isMultipart(request)) {
        const length = Number(request.headers.get("content-length") ?? 0);
        if (length > maxNonMultipartBodyBytes) throw tooLarge(maxNonMultipartBodyBytes);
        if (requestParser) setRequestParser((inner) => requestParser(limitBody(inner, maxNonMultipartBodyBytes)));
        return;
      }
      const length = Number(request.headers.get("content-length") ?? 0);
      if (length > options.maxBodyBytes) throw tooLarge(options.maxBodyBytes, "an upload (QUIRE_MAX_FILES × QUIRE_MAX_FILE_MB and the form's fields)");
      const staged: StagedUpload[] = [];
      stagedByRequest.set(request, staged);
      setRequestParser(async (inner) => {
        await options.authorize(request);
        try {
          const bodyLimit = { bytes: options.maxBodyBytes, error: () => tooLarge(options.maxBodyBytes, "an upload") };
          return (await parseStreamingMultipart(inner, options.store(), { ...limits, body: bodyLimit }, staged)) as never;
        } catch (error) {
          await Promise.all(staged.map((upload) => upload.discard()));
          throw error;
        }
      });
    },
    async onResponse({ request }) {
      const staged = stagedByRequest.get(request);
      if (!staged) return;
      stagedByRequest.delete(request);
      await Promise.all(staged.filter((upload) => upload.staged).map((upload) => upload.discard()));
    },
  };
}
