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

/**
 * Splits a byte stream (an uploaded file) into lines without holding more than one line and
 * one chunk. UTF-8 is decoded by TextDecoderStream, which carries multi-byte characters split
 * across chunks and drops a leading BOM; lines end at "\n" with a preceding "\r" removed. A
 * final line without a newline is yielded; the empty string after a final newline is not.
 * Stopping early cancels the stream.
 */
export async function* linesFromStream(
  stream: ReadableStream<Uint8Array>,
  options: { maxLineLength?: number } = {},
): AsyncGenerator<string, void, undefined> {
  const maxLineLength = options.maxLineLength ?? 1_000_000;
  // The cast bridges lib.dom's TextDecoderStream (BufferSource) and Uint8Array<ArrayBufferLike>.
  const decoder = new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>;
  const reader = stream.pipeThrough(decoder).getReader();
  let tail = "";
  let lineNumber = 0;
  const finishLine = (line: string) => {
    lineNumber += 1;
    if (line.length > maxLineLength + 1) throw new LineTooLongError(lineNumber, maxLineLength);
    return line.endsWith("\r") ? line.slice(0, -1) : line;
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const text = tail + value;
      let start = 0;
      // The tail holds no newline, so the search starts in the new chunk.
      for (let end = text.indexOf("\n", tail.length); end >= 0; end = text.indexOf("\n", start)) {
        yield finishLine(text.slice(start, end));
        start = end + 1;
      }
      tail = text.slice(start);
      if (tail.length > maxLineLength + 1) throw new LineTooLongError(lineNumber + 1, maxLineLength);
    }
    if (tail !== "") yield finishLine(tail);
  } finally {
    // Early exit (break, error) must release the upload; after a normal end this is a no-op.
    await reader.cancel().catch(() => undefined);
  }
}
