import { createHash } from "node:crypto";
import { EmbeddableLineCounter } from "../generation/line-counter.ts";
import type { UploadStore } from "./upload-store.ts";

/** Bytes gathered before one write to storage: few round trips, one slice in memory per upload. */
export const WRITE_SLICE_BYTES = 1024 * 1024;
const HEAD_BYTES = 8;

export type StageResult =
  | {
      stored: true;
      oid: number;
      size: number;
      sha256: string;
      head: Uint8Array;
      /** Lines embedFile would embed (null: a line too long), when counting was asked for. */
      embeddableLines?: number | null;
    }
  /** Over `maxBytes`: nothing kept; `size` counts every byte that came. */
  | { stored: false; size: number };

/**
 * Writes a byte stream into a new staged large object as it arrives, hashing it on the way (and,
 * when asked, counting the lines embedFile would embed, so a job's total is known at once).
 * Past `maxBytes` the stored part is unlinked and the rest is only counted (so the error can say
 * how large the file was). A failing stream or write unlinks what was stored, then rethrows.
 */
export async function stageStream(
  store: UploadStore,
  source: AsyncIterable<Uint8Array>,
  maxBytes: number,
  options: { countLines?: boolean } = {},
): Promise<StageResult> {
  const hash = createHash("sha256");
  const lines = options.countLines ? new EmbeddableLineCounter() : null;
  const head = new Uint8Array(HEAD_BYTES);
  let headLength = 0;
  let size = 0;
  let stored = 0;
  let oid: number | undefined = await store.create();
  const pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (oid === undefined || pendingBytes === 0) return;
    const slice = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending.length = 0;
    pendingBytes = 0;
    await store.write(oid, stored, slice);
    stored += slice.byteLength;
  };
  try {
    for await (const chunk of source) {
      size += chunk.byteLength;
      if (oid === undefined) continue;
      if (size > maxBytes) {
        const tooLarge = oid;
        oid = undefined;
        pending.length = 0;
        await store.discard([tooLarge]);
        continue;
      }
      if (headLength < HEAD_BYTES) {
        const take = chunk.subarray(0, HEAD_BYTES - headLength);
        head.set(take, headLength);
        headLength += take.byteLength;
      }
      hash.update(chunk);
      lines?.push(chunk);
      pending.push(chunk);
      pendingBytes += chunk.byteLength;
      if (pendingBytes >= WRITE_SLICE_BYTES) await flush();
    }
    await flush();
  } catch (error) {
    if (oid !== undefined) await store.discard([oid]);
    throw error;
  }
  if (oid === undefined) return { stored: false, size };
  return {
    stored: true,
    oid,
    size,
    sha256: hash.digest("hex"),
    head: head.slice(0, headLength),
    ...(lines ? { embeddableLines: lines.count() } : {}),
  };
}
