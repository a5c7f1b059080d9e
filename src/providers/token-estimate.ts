import { countTokens } from "../text/token-count.ts";
import type { ChatMessage, ContentPart } from "./provider-types.ts";

// Role markers and separators each message costs on top of its text (OpenAI documents ~3-4).
const PER_MESSAGE_OVERHEAD = 4;
// Both vendors downscale large images; ~1600 tokens is Anthropic's ceiling and near OpenAI's
// high-detail cost of a full page, so it doubles as the estimate when the size is unreadable.
const MAX_IMAGE_TOKENS = 1600;

/**
 * Tokens the messages will cost, counted BEFORE the call for the token-per-minute budget.
 * Text uses o200k_base (exact for current OpenAI models, an estimate for others); images use
 * Anthropic's width*height/750 rule from the PNG/JPEG header, capped at MAX_IMAGE_TOKENS.
 */
export function estimateMessageTokens(messages: ChatMessage[]): number {
  let total = 0;
  for (const message of messages) {
    total += PER_MESSAGE_OVERHEAD;
    const parts: ContentPart[] =
      typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
    for (const part of parts) total += part.type === "text" ? countTokens(part.text) : estimateImageTokens(part.data);
  }
  return total;
}

/** Token estimate of one PNG or JPEG image. */
export function estimateImageTokens(data: Uint8Array): number {
  const size = imageSize(data);
  if (!size) return MAX_IMAGE_TOKENS;
  return Math.max(1, Math.min(MAX_IMAGE_TOKENS, Math.ceil((size.width * size.height) / 750)));
}

function imageSize(data: Uint8Array): { width: number; height: number } | null {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  // PNG: signature, then the IHDR chunk with width and height at bytes 16 and 20.
  if (data.length >= 24 && view.getUint32(0) === 0x89504e47) {
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  // JPEG: walk the segments to a start-of-frame marker, which carries height then width.
  if (data.length >= 4 && view.getUint16(0) === 0xffd8) {
    let offset = 2;
    while (offset + 9 <= data.length) {
      if (data[offset] !== 0xff) return null;
      const marker = data[offset + 1] ?? 0;
      const length = view.getUint16(offset + 2);
      const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isStartOfFrame) return { height: view.getUint16(offset + 5), width: view.getUint16(offset + 7) };
      offset += 2 + length;
    }
  }
  return null;
}
