import { splitMarkdownBlocks } from "./markdown-blocks.ts";
import { splitSentences } from "./sentence-split.ts";
import { countTokens, decodeTokens, encodeTokens } from "./token-count.ts";

/** Options of chunkMarkdownPages. */
export interface ChunkOptions {
  /** Most tokens (o200k_base) in a chunk, overlap included. Default 512. */
  targetTokens?: number;
  /** Tokens repeated from the previous chunk of the same section. Default 64. */
  overlapTokens?: number;
}

/** A piece of a document sized for embedding and retrieval. */
export interface TextChunk {
  index: number;
  text: string;
  tokenCount: number;
  /** 1-based page numbers of the first and last page the chunk's text comes from. */
  pageStart: number;
  pageEnd: number;
  /** Headings the chunk sits under, outermost first (shared by all of its text). */
  headingPath: string[];
}

interface Unit {
  text: string;
  tokens: number;
  page: number;
  path: string[];
  heading: boolean;
}

const SEPARATOR = "\n\n";

/** Cuts text that is too long even as one sentence at token boundaries. */
function tokenWindows(text: string, size: number): string[] {
  const tokens = encodeTokens(text);
  const windows: string[] = [];
  for (let i = 0; i < tokens.length; i += size) windows.push(decodeTokens(tokens.slice(i, i + size)));
  return windows;
}

/** A paragraph as units no larger than `limit`: whole, else by sentences, else by tokens. */
function paragraphPieces(text: string, limit: number): string[] {
  if (countTokens(text) <= limit) return [text];
  const pieces: string[] = [];
  let current = "";
  for (const sentence of splitSentences(text)) {
    const candidate = current ? `${current} ${sentence}` : sentence;
    if (countTokens(candidate) <= limit) {
      current = candidate;
      continue;
    }
    if (current) pieces.push(current);
    if (countTokens(sentence) <= limit) current = sentence;
    else {
      pieces.push(...tokenWindows(sentence, limit));
      current = "";
    }
  }
  if (current) pieces.push(current);
  return pieces;
}

function commonPrefix(paths: readonly string[][]): string[] {
  const [first, ...rest] = paths;
  if (!first) return [];
  let length = first.length;
  for (const path of rest) {
    let i = 0;
    while (i < length && path[i] === first[i]) i++;
    length = i;
  }
  return first.slice(0, length);
}

function toUnits(pages: readonly string[], limit: number): Unit[] {
  const units: Unit[] = [];
  const stack: { level: number; text: string }[] = [];
  for (const block of splitMarkdownBlocks(pages)) {
    const page = block.pageIndex + 1;
    if (block.headingLevel > 0) {
      while (stack.length > 0 && stack.at(-1)!.level >= block.headingLevel) stack.pop();
      stack.push({ level: block.headingLevel, text: block.text });
      const text = `${"#".repeat(block.headingLevel)} ${block.text}`;
      units.push({ text, tokens: countTokens(text), page, path: stack.map((entry) => entry.text), heading: true });
      continue;
    }
    const path = stack.map((entry) => entry.text);
    for (const piece of paragraphPieces(block.text, limit)) {
      units.push({ text: piece, tokens: countTokens(piece), page, path, heading: false });
    }
  }
  return units;
}

/** The end of the previous chunk to repeat: whole trailing sentences, else its last tokens. */
function overlapUnit(previous: readonly Unit[], budget: number): Unit | undefined {
  const last = previous.at(-1);
  if (!last || last.heading || budget <= 0) return undefined;
  const sentences = splitSentences(last.text);
  let text = "";
  for (let i = sentences.length - 1; i >= 0; i--) {
    const candidate = text ? `${sentences[i]} ${text}` : sentences[i]!;
    if (countTokens(candidate) > budget) break;
    text = candidate;
  }
  if (!text) {
    const tokens = encodeTokens(last.text);
    // Start at a word boundary so the overlap does not open with half a word.
    text = decodeTokens(tokens.slice(-budget)).replace(/^\S*\s+/, "");
  }
  return text ? { ...last, text, tokens: countTokens(text) } : undefined;
}

/**
 * Splits a document's per-page markdown into chunks of at most `targetTokens` tokens: a
 * heading starts a new chunk (small sections are merged), paragraphs are packed whole, and
 * paragraphs too large for one chunk are split by sentences, then by tokens. Consecutive
 * chunks of one section overlap by up to `overlapTokens` tokens of whole sentences.
 */
export function chunkMarkdownPages(pages: readonly string[], options: ChunkOptions = {}): TextChunk[] {
  const target = Math.max(16, options.targetTokens ?? 512);
  const overlap = Math.min(Math.max(0, options.overlapTokens ?? 64), Math.floor(target / 2));
  const units = toUnits(pages, target - overlap - 1);
  const chunks: Unit[][] = [];
  let current: Unit[] = [];
  let tokens = 0;
  const flush = () => {
    if (current.length > 0) chunks.push(current);
    current = [];
    tokens = 0;
  };
  for (const unit of units) {
    const cost = unit.tokens + (current.length > 0 ? 1 : 0);
    // A heading closes the chunk unless it is still small (short sections are merged).
    if (unit.heading && tokens >= target / 4) flush();
    else if (tokens + cost > target) {
      const previous = current;
      flush();
      const carried = unit.heading ? undefined : overlapUnit(previous, Math.min(overlap, target - unit.tokens - 1));
      if (carried) {
        current.push(carried);
        tokens = carried.tokens;
      }
    }
    current.push(unit);
    tokens += unit.tokens + (current.length > 1 ? 1 : 0);
  }
  flush();
  return finish(enforceLimit(chunks, target));
}

/**
 * Token counts are summed per unit while packing; BPE can merge differently across the joins,
 * so a chunk that ends up over the limit hands its last units to a chunk of their own.
 */
function enforceLimit(chunks: Unit[][], target: number): Unit[][] {
  const result: Unit[][] = [];
  for (const chunk of chunks) {
    let rest = chunk;
    while (rest.length > 0) {
      let take = rest.length;
      while (take > 1 && countTokens(rest.slice(0, take).map((unit) => unit.text).join(SEPARATOR)) > target) take--;
      result.push(rest.slice(0, take));
      rest = rest.slice(take);
    }
  }
  return result;
}

function finish(chunks: Unit[][]): TextChunk[] {
  return chunks.map((chunk, index) => {
    const text = chunk.map((unit) => unit.text).join(SEPARATOR);
    return {
      index,
      text,
      tokenCount: countTokens(text),
      pageStart: Math.min(...chunk.map((unit) => unit.page)),
      pageEnd: Math.max(...chunk.map((unit) => unit.page)),
      headingPath: commonPrefix(chunk.map((unit) => unit.path)),
    };
  });
}
