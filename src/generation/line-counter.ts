/** The longest line linesFromStream accepts by default (characters). */
const MAX_LINE_LENGTH = 1_000_000;

/**
 * Counts the lines embedLines would embed (non-blank lines, as linesFromStream splits them)
 * from bytes pushed as they arrive, holding one line at most: an upload's `total` is known
 * the moment it is stored. `count()` is null when a line is too long (the job will fail with
 * LINE_TOO_LONG). Decoding and splitting follow linesFromStream exactly: UTF-8 with a leading
 * BOM dropped, lines end at "\n" with a preceding "\r" removed, a final line without newline
 * counts.
 */
export class EmbeddableLineCounter {
  readonly #decoder = new TextDecoder();
  readonly #maxLineLength: number;
  #tail = "";
  #count = 0;
  #tooLong = false;

  constructor(options: { maxLineLength?: number } = {}) {
    this.#maxLineLength = options.maxLineLength ?? MAX_LINE_LENGTH;
  }

  push(bytes: Uint8Array): void {
    if (this.#tooLong) return;
    const text = this.#tail + this.#decoder.decode(bytes, { stream: true });
    let start = 0;
    for (let end = text.indexOf("\n", this.#tail.length); end >= 0; end = text.indexOf("\n", start)) {
      this.#line(text.slice(start, end));
      start = end + 1;
    }
    this.#tail = text.slice(start);
    if (this.#tail.length > this.#maxLineLength + 1) this.#tooLong = true;
  }

  /** Ends the input; the count of embeddable lines, or null when a line is too long. */
  count(): number | null {
    const rest = this.#tail + this.#decoder.decode();
    this.#tail = "";
    if (rest !== "") this.#line(rest);
    return this.#tooLong ? null : this.#count;
  }

  #line(line: string): void {
    if (line.length > this.#maxLineLength + 1) this.#tooLong = true;
    else if (line.trim() !== "") this.#count += 1;
  }
}
