import { Tiktoken } from "js-tiktoken/lite";
import o200kBase from "js-tiktoken/ranks/o200k_base";

/**
 * Token counting with OpenAI's o200k_base BPE (js-tiktoken, pure JS, ships its ranks so it
 * works offline). Used for chunk sizing, token-per-minute limits and local usage figures.
 * For other providers' models this is an estimate, which is what a pre-call budget needs.
 */
let encoder: Tiktoken | undefined;

function getEncoder(): Tiktoken {
  // Built lazily: loading the ranks takes ~100 ms and most processes never count tokens.
  encoder ??= new Tiktoken(o200kBase);
  return encoder;
}

// js-tiktoken's BPE merge is quadratic in the length of one pre-token, and a run with no
// space or punctuation is one pre-token: 10,000 letters took 13 s on the event loop, and any
// user can send such a prompt or line. Runs are encoded in slices of this many characters;
// counts differ from the unsliced encoding by at most a token per slice boundary.
const MAX_RUN = 200;
const LONG_RUN = new RegExp(`[^\\s]{${MAX_RUN + 1},}`, "gu");

/** `text` cut so no piece holds a run longer than MAX_RUN characters without whitespace. */
function slices(text: string): string[] {
  if (!LONG_RUN.test(text)) return [text];
  LONG_RUN.lastIndex = 0;
  const pieces: string[] = [];
  let last = 0;
  for (const match of text.matchAll(LONG_RUN)) {
    pieces.push(text.slice(last, match.index));
    const run = [...match[0]]; // by code point, so no surrogate pair is split
    for (let start = 0; start < run.length; start += MAX_RUN) pieces.push(run.slice(start, start + MAX_RUN).join(""));
    last = match.index + match[0].length;
  }
  pieces.push(text.slice(last));
  return pieces.filter((piece) => piece.length > 0);
}

/** Number of o200k_base tokens in `text`. */
export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  const encoder = getEncoder();
  let count = 0;
  for (const piece of slices(text)) count += encoder.encode(piece).length;
  return count;
}

/** Token ids of `text`, for splitting at token boundaries; decodeTokens gives `text` back. */
export function encodeTokens(text: string): number[] {
  const encoder = getEncoder();
  return slices(text).flatMap((piece) => encoder.encode(piece));
}

/** Inverse of encodeTokens. */
export function decodeTokens(tokens: number[]): string {
  return getEncoder().decode(tokens);
}
