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

/** Number of o200k_base tokens in `text`. */
export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  return getEncoder().encode(text).length;
}

/** Token ids of `text`, for splitting at token boundaries. */
export function encodeTokens(text: string): number[] {
  return getEncoder().encode(text);
}

/** Inverse of encodeTokens. */
export function decodeTokens(tokens: number[]): string {
  return getEncoder().decode(tokens);
}
