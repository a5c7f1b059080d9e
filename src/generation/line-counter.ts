import { LineSplitter, LineTooLongError } from "./line-stream.ts";

/**
 * Counts the lines embedLines would embed (non-blank lines, split as linesFromStream splits
 * them) from bytes pushed as they arrive, holding one line at most: an upload's `total` is
 * known the moment it is stored. `count()` is null when a line is too long (the job will fail
 * with LINE_TOO_LONG). UTF-8 with a leading BOM dropped, as linesFromStream decodes.
 */
export class EmbeddableLineCounter {
  readonly #decoder = new TextDecoder();
  readonly #splitter: LineSplitter;
  #count = 0;
  #tooLong = false;

  constructor(options: { maxLineLength?: number } = {}) {
    this.#splitter = new LineSplitter(options.maxLineLength);
  }

  push(bytes: Uint8Array): void {
    if (!this.#tooLong) this.#take(() => this.#splitter.push(this.#decoder.decode(bytes, { stream: true })));
  }

  /** Ends the input; the count of embeddable lines, or null when a line is too long. */
  count(): number | null {
    if (!this.#tooLong) this.#take(() => [...this.#splitter.push(this.#decoder.decode()), ...this.#splitter.end()]);
    return this.#tooLong ? null : this.#count;
  }

  #take(lines: () => string[]): void {
    try {
      for (const line of lines()) if (line.trim() !== "") this.#count += 1;
    } catch (error) {
      if (!(error instanceof LineTooLongError)) throw error;
      this.#tooLong = true;
    }
  }
}
