/** A line longer than the limit; an upload without newlines would otherwise be held whole. */
export class LineTooLongError extends Error {
  readonly code = "LINE_TOO_LONG";
  readonly lineNumber: number;

  constructor(lineNumber: number, maxLineLength: number) {
    super(`Line ${lineNumber} is longer than ${maxLineLength} characters`);
    this.name = "LineTooLongError";
    this.lineNumber = lineNumber;
  }
}

/** The longest line accepted by default (characters). */
const MAX_LINE_LENGTH = 1_000_000;

/**
 * Splits text that arrives in pieces into lines, holding one unfinished line at most: lines end
 * at "\n" with a preceding "\r" removed; a final line without a newline is returned by `end()`,
 * the empty string after a final newline is not. A line longer than `maxLineLength` throws
 * LineTooLongError, as soon as its unfinished part is too long.
 */
export class LineSplitter {
  readonly #maxLineLength: number;
  #tail = "";
  #lineNumber = 0;

  constructor(maxLineLength = MAX_LINE_LENGTH) {
    this.#maxLineLength = maxLineLength;
  }

  /** The lines `text` completes, in order. */
  push(text: string): string[] {
    const joined = this.#tail + text;
    const lines: string[] = [];
    let start = 0;
    // The tail holds no newline, so the search starts in the new text.
    for (let end = joined.indexOf("\n", this.#tail.length); end >= 0; end = joined.indexOf("\n", start)) {
      lines.push(this.#finish(joined.slice(start, end)));
      start = end + 1;
    }
    this.#tail = joined.slice(start);
    if (this.#tail.length > this.#maxLineLength + 1) throw new LineTooLongError(this.#lineNumber + 1, this.#maxLineLength);
    return lines;
  }

  /** The final line when the text did not end with a newline. */
  end(): string[] {
    const rest = this.#tail;
    this.#tail = "";
    return rest === "" ? [] : [this.#finish(rest)];
  }

  #finish(line: string): string {
    this.#lineNumber += 1;
    if (line.length > this.#maxLineLength + 1) throw new LineTooLongError(this.#lineNumber, this.#maxLineLength);
    return line.endsWith("\r") ? line.slice(0, -1) : line;
  }
}

/**
 * Splits a byte stream (an uploaded file) into lines (LineSplitter) without holding more than
 * one line and one chunk. UTF-8 is decoded by TextDecoderStream, which carries multi-byte
 * characters split across chunks and drops a leading BOM. Stopping early cancels the stream.
 */
export async function* linesFromStream(
  stream: ReadableStream<Uint8Array>,
  options: { maxLineLength?: number } = {},
): AsyncGenerator<string, void, undefined> {
  const splitter = new LineSplitter(options.maxLineLength);
  // The cast bridges lib.dom's TextDecoderStream (BufferSource) and Uint8Array<ArrayBufferLike>.
  const decoder = new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>;
  const reader = stream.pipeThrough(decoder).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      yield* splitter.push(value);
    }
    yield* splitter.end();
  } finally {
    // Early exit (break, error) must release the upload; after a normal end this is a no-op.
    await reader.cancel().catch(() => undefined);
  }
}
