import type { OpenedDocument } from "./pdfjs-document-loader.ts";

/**
 * A small LRU of opened documents inside one worker, so rendering page after page of the same
 * file parses it once. Evicted documents are destroyed to release pdf.js's caches.
 */
export class DocumentCache {
  readonly #capacity: number;
  // Map iteration order is insertion order, so the first key is the least recently used.
  readonly #entries = new Map<string, OpenedDocument>();

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  /** The document for `key`, marked most recently used, or undefined. */
  get(key: string): OpenedDocument | undefined {
    const entry = this.#entries.get(key);
    if (entry) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  /** Stores a document, destroying the least recently used ones beyond capacity. */
  async set(key: string, entry: OpenedDocument): Promise<void> {
    const previous = this.#entries.get(key);
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (previous && previous !== entry) await destroy(previous);
    while (this.#entries.size > this.#capacity) {
      const [oldestKey, oldest] = this.#entries.entries().next().value as [string, OpenedDocument];
      this.#entries.delete(oldestKey);
      await destroy(oldest);
    }
  }

  /** Keys currently held, least recently used first. */
  keys(): string[] {
    return [...this.#entries.keys()];
  }
}

async function destroy(entry: OpenedDocument): Promise<void> {
  // A document that fails to tear down cleanly is garbage anyway; keep serving.
  await entry.task.destroy().catch(() => undefined);
}
