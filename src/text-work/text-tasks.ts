/**
 * The CPU-heavy text work of the pipeline, as one table of pure functions: the text pool runs
 * them on worker threads by name, and the in-process runner calls the very same functions, so
 * the two paths cannot drift. Arguments and results must survive structured cloning (plain
 * objects, arrays, strings, numbers): the equivalence test holds every task to that.
 */
import { extractReferences } from "../citations/extract-references.ts";
import { guessDocumentTitle } from "../citations/guess-document-title.ts";
import { chunkMarkdownPages } from "../text/chunk-text.ts";
import { cleanPages } from "../text/clean-pages.ts";
import { estimateBodyFontSize, repairFontSizes } from "../text/layout-fonts.ts";
import { findRunningLines, type RunningLines } from "../text/layout-running-lines.ts";
import { layoutToMarkdown } from "../text/layout-to-markdown.ts";
import { ocrTextToMarkdown } from "../text/ocr-text-to-markdown.ts";
import { summarizeExtractive } from "../text/summarize-extractive.ts";
import { embedLocal } from "../text/local-embedding.ts";
import { clusterEntities } from "../research/entity-clustering.ts";
import { clusterTopics } from "../research/topic-clustering.ts";
import type { PageTextLayer } from "../text/text-item.ts";
import { countTokens } from "../text/token-count.ts";

/** Document-wide measurements PARSE hands to every page. */
export interface DocumentLayout {
  bodyFontSize: number | undefined;
  runningLines: RunningLines;
}

export const TEXT_TASKS = {
  /**
   * PARSE: what is measured over the whole document (the pages that have a text layer) before
   * any page is parsed: the body font size and the running headers and footers.
   */
  documentLayout: (layers: readonly PageTextLayer[]): DocumentLayout => {
    const repaired = layers.map(repairFontSizes);
    return { bodyFontSize: layers.length ? estimateBodyFontSize(repaired) : undefined, runningLines: findRunningLines(repaired) };
  },
  /** PARSE: one page's markdown from its text layer's geometry, or from its OCR text without one. */
  pageMarkdown: (layer: PageTextLayer | undefined, ocrText: string, layout: DocumentLayout): string =>
    layer?.items.length ? layoutToMarkdown(layer, layout) : ocrTextToMarkdown(ocrText),
  /** CLEAN: every page cleaned against the whole document, and a title guessed from page one. */
  cleanPages: (pages: readonly string[]): { pages: string[]; title: string | undefined } => {
    const cleaned = cleanPages(pages);
    return { pages: cleaned, title: cleaned[0] ? guessDocumentTitle(cleaned[0]) : undefined };
  },
  summarizeExtractive,
  chunkMarkdownPages,
  extractReferences,
  countTokens,
  /** The local provider's embeddings and the input's token count (see offloaded-local-adapter.ts). */
  embedLocal: (inputs: readonly string[], dimension: number): { vectors: number[][]; inputTokens: number } => ({
    vectors: embedLocal(inputs, dimension),
    inputTokens: inputs.reduce((sum, input) => sum + countTokens(input), 0),
  }),
  /** Research: a batch's entity clusters and its topics (k-means and silhouettes over every document). */
  clusterEntities,
  clusterTopics,
  /** For tests of the error path: a task that fails the way a bug in a text function would. */
  fail: (message: string): never => {
    throw new Error(message);
  },
} as const;

export type TextTasks = typeof TEXT_TASKS;
export type TextTaskName = keyof TextTasks;

/** What crosses to a worker thread: a task's name and its arguments. */
export interface TextTaskMessage<K extends TextTaskName = TextTaskName> {
  task: K;
  args: Parameters<TextTasks[K]>;
}

/** Runs one task in the current thread. */
export function runTextTask<K extends TextTaskName>(message: TextTaskMessage<K>): ReturnType<TextTasks[K]> {
  const fn = TEXT_TASKS[message.task] as (...args: unknown[]) => ReturnType<TextTasks[K]>;
  if (typeof fn !== "function") throw new Error(`Unknown text task "${String(message.task)}"`);
  return fn(...(message.args as unknown[]));
}
