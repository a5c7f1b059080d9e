import { Readable } from "node:stream";
import { Busboy, type BusboyFileStream, type BusboyInstance } from "@fastify/busboy";
import { createGraphQLError } from "graphql-yoga";
import { plainText } from "./display-text.ts";
import { stageStream } from "./stage-stream.ts";
import { StagedUpload } from "./staged-upload.ts";
import type { UploadStore } from "./upload-store.ts";
import { invalidUploadError, type UploadIssue } from "./upload-issues.ts";

export interface MultipartLimits {
  maxFiles: number;
  maxFileBytes: number;
  /** Bytes of one non-file field (`operations`, `map`). */
  maxFieldBytes: number;
  /** The whole body: counted as it streams (no read-ahead), past it the error ends the parse. */
  body: { bytes: number; error(): Error };
}

/** What the GraphQL multipart request spec carries: the operation(s), with files placed into variables. */
export type MultipartParams = Record<string, unknown> | Record<string, unknown>[];

const NON_FILE_FIELDS = 8;

function badRequest(message: string) {
  return createGraphQLError(message, { extensions: { code: "BAD_REQUEST", http: { status: 400 } } });
}

function parseJsonField(name: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest(`Multipart field "${name}" must be valid JSON.`);
  }
}

/** `map` as the spec defines it: each file key to the variable paths it fills. Each file once. */
function parseMap(text: string): Map<string, string> {
  const raw = parseJsonField("map", text);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw badRequest(`Multipart field "map" must be a JSON object.`);
  const targets = new Map<string, string>();
  const paths = new Set<string>();
  for (const [key, value] of Object.entries(raw)) {
    if (!Array.isArray(value) || !value.every((path) => typeof path === "string")) {
      throw badRequest(`Multipart map entry "${key}" must be an array of variable paths.`);
    }
    // One part, one document: a file mapped to two places would be stored (and processed) twice.
    if (value.length !== 1) throw badRequest(`Multipart map entry "${key}" names ${value.length} paths; map each file to exactly one.`);
    const path = value[0] as string;
    if (paths.has(path)) throw badRequest(`Multipart map gives the path "${path}" more than one file.`);
    paths.add(path);
    targets.set(key, path);
  }
  return targets;
}

/** Sets `value` at a dotted path ("variables.files.0"); never through prototype keys. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  if (keys.some((key) => key === "__proto__" || key === "constructor" || key === "prototype")) {
    throw badRequest(`Multipart map path "${path}" is not a variable path.`);
  }
  let current = target;
  for (const [index, key] of keys.entries()) {
    if (index === keys.length - 1) {
      current[key] = value;
      return;
    }
    const next = current[key];
    if (typeof next !== "object" || next === null || !Object.hasOwn(current, key)) {
      throw badRequest(`Multipart map path "${path}" does not point into the operations.`);
    }
    current = next as Record<string, unknown>;
  }
}

async function* readChunks(body: ReadableStream<Uint8Array>, limit: MultipartLimits["body"]): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let read = 0;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) return;
      read += next.value.byteLength;
      if (read > limit.bytes) throw limit.error();
      yield next.value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Reads a GraphQL multipart request (operations, map, then files) as it streams in, storing
 * each file as it arrives (`stageStream`): the request's bytes are never held whole.
 *
 * Refused, and nothing kept: a duplicate part name, a file before `map` or missing from it, a
 * file mapped twice, more than `maxFiles` files or any file over `maxFileBytes` (one error names
 * every offending file; the rest of the body is still read so each is counted). Every stored
 * upload is pushed to `staged` at once, so the caller can discard them whatever happens.
 */
export async function parseStreamingMultipart(
  request: Request,
  store: UploadStore,
  limits: MultipartLimits,
  staged: StagedUpload[],
  /** Fires when the client goes away (whatwg-node aborts it when the connection closes). */
  signal?: AbortSignal,
): Promise<MultipartParams> {
  const contentType = request.headers.get("content-type");
  if (!request.body || !contentType) throw badRequest("The multipart request has no body.");
  let busboy: BusboyInstance;
  try {
    busboy = new Busboy({
      headers: { "content-type": contentType },
      limits: {
        fields: NON_FILE_FIELDS,
        fieldSize: limits.maxFieldBytes,
        fieldNameSize: 100,
        // A part's headers carry its filename (255 characters, up to ~1 KiB of UTF-8, more once
        // percent-encoded); busboy's 100 bytes would silently cut long names.
        headerSize: 16 * 1024,
      },
    });
  } catch (error) {
    throw badRequest(`The multipart request is malformed: ${(error as Error).message}`);
  }

  let operations: MultipartParams | undefined;
  let map: Map<string, string> | undefined;
  const seen = new Set<string>();
  const placed = new Map<string, StagedUpload>();
  const issues: UploadIssue[] = [];
  const work: Promise<void>[] = [];
  const active = new Set<BusboyFileStream>();
  let fileCount = 0;
  let failure: Error | undefined;
  const fail = (error: unknown) => {
    failure ??= error instanceof Error ? error : new Error(String(error));
  };
  const notePart = (name: string) => {
    if (seen.has(name)) fail(badRequest(`The multipart part "${name}" was sent twice; each part name may appear once.`));
    seen.add(name);
  };

  busboy.on("field", (name: string, value: string, _nameTruncated: boolean, valueTruncated: boolean) => {
    notePart(name);
    if (failure) return;
    try {
      if (valueTruncated) throw badRequest(`Multipart field "${name}" is longer than ${limits.maxFieldBytes} bytes.`);
      if (name === "operations") {
        const parsed = parseJsonField(name, value);
        if (typeof parsed !== "object" || parsed === null) throw badRequest(`Multipart field "operations" must be a JSON object or array.`);
        operations = parsed as MultipartParams;
      } else if (name === "map") {
        if (!operations) throw badRequest(`Multipart field "map" must come after "operations".`);
        map = parseMap(value);
      } else {
        throw badRequest(`Unexpected multipart field "${name}"; send operations, map, then the files.`);
      }
    } catch (error) {
      fail(error);
    }
  });

  busboy.on("file", (name: string, stream: BusboyFileStream, filename: string, _encoding: string, mimeType: string) => {
    notePart(name);
    const index = fileCount++;
    const displayName = plainText(filename || `file ${index + 1}`, 255);
    if (!failure && !map) fail(badRequest(`Multipart file "${name}" came before the "map" field.`));
    if (!failure && !map!.has(name)) fail(badRequest(`Multipart file "${name}" is not in the map.`));
    if (index === limits.maxFiles) {
      issues.push({ index: -1, filename: "", code: "TOO_MANY_FILES", message: `Files limit exceeded: more than ${limits.maxFiles} files sent; at most ${limits.maxFiles} per request.` });
    }
    if (failure || index >= limits.maxFiles) {
      stream.resume(); // drained, never stored
      return;
    }
    active.add(stream);
    stream.once("close", () => active.delete(stream));
    // Not destroyed when storing fails: the rest of the part is drained instead, so the parse goes on to its end.
    const chunks = stream.iterator({ destroyOnReturn: false });
    work.push(
      // Text uploads (embedFile's) have their lines counted on the way; PDFs are not decoded for nothing.
      stageStream(store, chunks, limits.maxFileBytes, { countLines: mimeType !== "application/pdf" }).then((result) => {
        if (!result.stored) {
          const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
          issues.push({ index, filename: displayName, code: "FILE_TOO_LARGE", message: `${displayName} is over ${mb(limits.maxFileBytes)} MB (${mb(result.size)} MB or more sent).` });
          return;
        }
        const upload = new StagedUpload(store, {
          name: displayName,
          type: mimeType,
          size: result.size,
          sha256: result.sha256,
          head: result.head,
          oid: result.oid,
          embeddableLines: result.embeddableLines,
        });
        staged.push(upload);
        placed.set(name, upload);
      }, (error: unknown) => {
        fail(error);
        stream.resume();
      }),
    );
  });

  const finished = new Promise<void>((resolve, reject) => {
    busboy.on("finish", resolve);
    busboy.on("error", reject);
  });
  // Yoga's body may be a ponyfill stream, which Readable.fromWeb refuses: read it by hand.
  const source = Readable.from(readChunks(request.body, limits.body));
  // A dropped connection leaves the body's read pending forever: end every stream in flight so
  // each stored part is unlinked (stageStream) and the parse ends.
  const abort = (error: Error) => {
    for (const stream of active) stream.destroy(error);
    source.destroy(error);
    busboy.destroy(error);
  };
  const onAbort = () => abort(badRequest("The upload was cut off before its end."));
  if (signal?.aborted) onAbort();
  signal?.addEventListener("abort", onAbort, { once: true });
  source.on("error", abort);
  source.pipe(busboy);
  try {
    await finished;
  } catch (error) {
    fail(error instanceof Error && "extensions" in error ? error : badRequest(`The multipart request is malformed: ${(error as Error).message}`));
    for (const stream of active) stream.destroy(failure);
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  await Promise.allSettled(work);
  if (failure) throw failure;
  if (issues.length) throw invalidUploadError(issues);
  if (!operations) throw badRequest(`Multipart field "operations" is missing.`);
  for (const [key, path] of map ?? []) {
    const upload = placed.get(key);
    if (!upload) throw badRequest(`The multipart map names the file "${key}", but no such part was sent.`);
    setPath(operations as Record<string, unknown>, path, upload);
  }
  return operations;
}
