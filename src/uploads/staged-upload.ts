import type { UploadStore } from "./upload-store.ts";

/** What the stream told about an upload while it was stored. */
export interface StagedUploadInfo {
  /** Filename as sent, cleaned for display (see plainText). */
  name: string;
  type: string;
  size: number;
  /** Hex SHA-256 of the whole content, computed on the stream. */
  sha256: string;
  /** The first bytes (up to 8): enough for a magic-number check without reading it back. */
  head: Uint8Array;
  /** The large object holding the bytes (see UploadStore). */
  oid: number;
  /** Lines embedFile would embed, counted as the bytes arrived (null: a line too long); undefined when not counted (PDFs). */
  embeddableLines?: number | null;
}

/**
 * One file of a multipart request, already stored as it arrived (the `File` scalar's value).
 * Its bytes live in a staged large object: a batch or an embedding job adopts it (in the
 * transaction that stores it), anything else is discarded when the request ends.
 */
export class StagedUpload {
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly sha256: string;
  readonly head: Uint8Array;
  readonly oid: number;
  readonly embeddableLines: number | null | undefined;
  readonly lastModified = Date.now();
  /** Blob/File members, so code written for a File (embedFile) takes an upload as it is. */
  readonly webkitRelativePath = "";
  readonly #store: UploadStore;
  #state: "staged" | "adopted" | "discarded" = "staged";

  constructor(store: UploadStore, info: StagedUploadInfo) {
    this.#store = store;
    this.name = info.name;
    this.type = info.type;
    this.size = info.size;
    this.sha256 = info.sha256;
    this.head = info.head;
    this.oid = info.oid;
    this.embeddableLines = info.embeddableLines;
  }

  /** The bytes, read back slice by slice from storage. */
  stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    if (this.#state === "discarded") throw new Error(`The upload ${this.name} was discarded.`);
    return this.#store.stream(this.oid, this.size);
  }

  /** The whole content in memory (small uploads only: tests, tools). */
  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await new Response(this.stream()).arrayBuffer());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.bytes()).buffer;
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  slice(): Blob {
    throw new Error("A stored upload is read as a stream; slice() is not supported.");
  }

  /** Marks the upload as owned by the batch or job whose transaction adopted it. */
  markAdopted(): void {
    this.#state = "adopted";
  }

  /** The request that carried the upload has ended: an upload nothing adopted is discarded. */
  async endOfRequest(): Promise<void> {
    if (this.#state === "staged") await this.discard();
  }

  /** Unlinks the stored bytes unless a batch adopted them; idempotent. */
  async discard(): Promise<void> {
    if (this.#state === "adopted" || this.#state === "discarded") return;
    this.#state = "discarded";
    await this.#store.discard([this.oid]);
  }
}
