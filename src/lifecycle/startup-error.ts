/** A startup failure the user can fix (busy port, ...): main.ts prints its message alone, no stack. */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StartupError";
  }
}
