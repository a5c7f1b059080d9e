import { stageStream } from "../uploads/stage-stream.ts";
import { StagedUpload } from "../uploads/staged-upload.ts";
import type { UploadStore } from "../uploads/upload-store.ts";
import { findUploadIssues, invalidUploadError } from "./upload-validation.ts";

/** A file of a new batch: stored while its request streamed in, or (services, benches) a File. */
export type BatchFile = StagedUpload | File;

/**
 * The ingest half of creating a batch: every file stored as a staged upload and checked, or
 * the whole upload refused with one error naming every offending file and nothing kept.
 * Plain Files are checked on their size and first bytes before they are stored at all.
 */
export async function stageBatchFiles(
  store: UploadStore,
  files: BatchFile[],
  limits: { maxFiles: number; maxFileBytes: number },
): Promise<StagedUpload[]> {
  const plain = files.filter((file): file is File => !(file instanceof StagedUpload));
  const heads = await Promise.all(plain.map(async (file) => new Uint8Array(await file.slice(0, 8).arrayBuffer())));
  const early = findUploadIssues(
    files.map((file) => (file instanceof StagedUpload ? file : { name: file.name, size: file.size, head: heads[plain.indexOf(file)]! })),
    limits,
  );
  const uploads: StagedUpload[] = [];
  try {
    if (early.length) throw invalidUploadError(early);
    for (const file of files) {
      if (file instanceof StagedUpload) {
        uploads.push(file);
        continue;
      }
      const stored = await stageStream(store, file.stream() as unknown as AsyncIterable<Uint8Array>, limits.maxFileBytes);
      if (!stored.stored) throw new Error(`${file.name} grew while it was stored.`);
      uploads.push(new StagedUpload(store, { name: file.name, type: file.type, size: stored.size, sha256: stored.sha256, head: stored.head, oid: stored.oid }));
    }
    return uploads;
  } catch (error) {
    await discardAll([...uploads, ...files.filter((file) => file instanceof StagedUpload)]);
    throw error;
  }
}

/** Unlinks every upload not adopted by a batch (a no-op for adopted ones). */
export async function discardAll(uploads: BatchFile[]): Promise<void> {
  await Promise.all(uploads.filter((upload) => upload instanceof StagedUpload).map((upload) => upload.discard()));
}
