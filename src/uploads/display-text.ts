/**
 * Bidirectional formatting characters: embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069) and the implicit marks (U+200E, U+200F, U+061C). In a filename they only serve
 * to make it display as something else ("\u202Efdp.exe" reads as "exe.pdf"), so they go.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/gu;

/**
 * Filenames and labels are text shown back to their owner, never paths: kept as sent, except
 * control characters (PostgreSQL text refuses NUL; the others garble logs and terminals), which
 * become U+FFFD, and bidi controls, which are removed. Busboy has already cut any directory part
 * off a multipart filename.
 */
export function plainText(text: string, maxLength: number): string {
  return text.replace(BIDI_CONTROLS, "").replace(/\p{Cc}/gu, "\uFFFD").slice(0, maxLength).toWellFormed();
}
