import { estimatePart, roundUsd } from "../providers/cost-estimate.ts";
import type { CostEstimate, CostEstimatePart } from "../providers/cost-estimate.ts";
import type { PriceTable } from "../providers/price-table.ts";
import { providerDefinition } from "../providers/provider-registry.ts";
import type { ProviderName } from "../providers/provider-types.ts";
import { countTokens } from "../text/token-count.ts";
import { PAGE_MARKDOWN_SYSTEM } from "./model-page-markdown.ts";
import { CHUNK_OPTIONS } from "./stages/chunk-stage.ts";
import { EMBED_BATCH_SIZE } from "./stages/embed-stage.ts";
import { SUMMARY_MAX_INPUT_CHARS, SUMMARY_MAX_OUTPUT_TOKENS, SUMMARY_SYSTEM } from "./stages/summarize-stage.ts";

/** One document as the estimate sees it: its pages and, when known, the tokens of its text. */
export interface EstimatedDocument {
  pages: number;
  /** Tokens of the document's text; null: `assumedTextTokensPerPage` per page. */
  textTokens: number | null;
  /** Rendered page size in pixels; null: a Letter page at the default 150 dpi. */
  pagePixels?: { width: number; height: number } | null;
}

/** What the estimate runs on. */
export interface PipelineEstimateTarget {
  /** The chat model PARSE and SUMMARIZE would call (the local provider calls none). */
  chat: { provider: ProviderName; model: string };
  /** The embedding model EMBED would call; null when none is configured (no embedding cost). */
  embedding: { provider: ProviderName; model: string } | null;
  /** Output cap of a page's markdown call (the gateway's default output cap). */
  pageMaxOutputTokens: number;
}

/** Tokens per page assumed when a document's text is not known: a dense page of prose. */
export const ASSUMED_TEXT_TOKENS_PER_PAGE = 600;
/** A Letter page rendered at 150 dpi. */
const DEFAULT_PAGE_PIXELS = { width: 1275, height: 1650 };
// Both prompts are fixed: counted once, not per estimate.
let promptTokens: { page: number; summary: number } | undefined;

/**
 * What running documents through the pipeline with a model would cost at most, from their page
 * counts and text size: PARSE sends every page (image and text layer) to the chat model with the
 * gateway's output cap, SUMMARIZE sends each document's text (cut as the stage cuts it) with
 * its 400-token cap, EMBED embeds the chunks (text plus the chunker's overlap) in requests of
 * 32. Retries and the one re-ask of an invalid answer are not counted. Pipeline calls are
 * real-time calls: there is no batch price.
 */
export function estimatePipelineCost(prices: PriceTable, target: PipelineEstimateTarget, documents: readonly EstimatedDocument[]): CostEstimate {
  promptTokens ??= { page: countTokens(PAGE_MARKDOWN_SYSTEM), summary: countTokens(SUMMARY_SYSTEM) };
  const { chat, embedding } = target;
  const definition = providerDefinition(chat.provider);
  const generates = chat.provider !== "local";
  const pages = documents.reduce((sum, document) => sum + document.pages, 0);
  const textOf = (document: EstimatedDocument) => document.textTokens ?? document.pages * ASSUMED_TEXT_TOKENS_PER_PAGE;
  // The summary input is cut at a character count; ~4 characters per token turns it into a token cap.
  const summaryInputCap = Math.ceil(SUMMARY_MAX_INPUT_CHARS / 4);
  const withText = documents.filter((document) => textOf(document) > 0);

  const parts: CostEstimatePart[] = [];
  if (generates) {
    const imageTokens = documents.reduce((sum, document) => {
      const size = document.pagePixels ?? DEFAULT_PAGE_PIXELS;
      return sum + document.pages * definition.imageTokens(size.width, size.height);
    }, 0);
    parts.push(
      estimatePart(prices, {
        purpose: "pipeline.parse",
        ...chat,
        calls: pages,
        inputTokens: pages * promptTokens.page + imageTokens + documents.reduce((sum, document) => sum + textOf(document), 0),
        maxOutputTokens: pages * target.pageMaxOutputTokens,
      }),
      estimatePart(prices, {
        purpose: "pipeline.summarize",
        ...chat,
        calls: withText.length,
        inputTokens: withText.reduce((sum, document) => sum + promptTokens!.summary + Math.min(textOf(document), summaryInputCap), 0),
        maxOutputTokens: withText.length * SUMMARY_MAX_OUTPUT_TOKENS,
      }),
    );
  }
  if (embedding) {
    const overlap = CHUNK_OPTIONS.targetTokens / (CHUNK_OPTIONS.targetTokens - CHUNK_OPTIONS.overlapTokens);
    const chunkCounts = documents.map((document) => Math.ceil((textOf(document) * overlap) / CHUNK_OPTIONS.targetTokens));
    parts.push(
      estimatePart(prices, {
        purpose: "pipeline.embed",
        ...embedding,
        calls: chunkCounts.reduce((sum, chunks) => sum + Math.ceil(chunks / EMBED_BATCH_SIZE), 0),
        inputTokens: Math.ceil(documents.reduce((sum, document) => sum + textOf(document), 0) * overlap),
        maxOutputTokens: 0,
      }),
    );
  }
  const sum = (pick: (part: CostEstimatePart) => number) => parts.reduce((total, part) => total + pick(part), 0);
  return {
    ...chat,
    prompts: 0,
    documents: documents.length,
    pages,
    calls: sum((part) => part.calls),
    parts,
    inputTokens: sum((part) => part.inputTokens),
    maxOutputTokens: sum((part) => part.maxOutputTokens),
    priced: parts.every((part) => part.priced),
    inputCostUsd: roundUsd(sum((part) => part.inputCostUsd)),
    maxCostUsd: roundUsd(sum((part) => part.maxCostUsd)),
    maxBatchCostUsd: null,
  };
}
