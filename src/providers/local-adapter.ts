import { embedLocal } from "../text/local-embedding.ts";
import { countTokens, decodeTokens, encodeTokens } from "../text/token-count.ts";
import type { ChatMessage } from "./provider-types.ts";
import type {
  AdapterEmbedCall,
  AdapterEmbedOutput,
  AdapterGenerateCall,
  AdapterGenerateOutput,
  ProviderAdapter,
} from "./provider-adapter.ts";
import { abortedError } from "./provider-error-mapping.ts";

/** Settings of the offline adapter. */
export interface LocalAdapterOptions {
  embeddingDim: number;
}

const MAX_SENTENCES = 3;

/**
 * The offline provider: no network, no key, same answer for the same prompt. generate()
 * extracts the user-content sentences that best overlap the question (the last question
 * or line of the last user turn),
 * cut to maxOutputTokens; embed() uses Quire's deterministic local embedding. It lets the
 * whole pipeline run in development, CI and demos without spending anything.
 */
export function createLocalAdapter(options: LocalAdapterOptions): ProviderAdapter {
  function generateNow(call: AdapterGenerateCall): AdapterGenerateOutput {
    if (call.signal.aborted) throw abortedError("local");
    const userTexts = call.messages.filter((message) => message.role === "user").map(textOf);
    const answer = extractAnswer(userTexts.join("\n"), questionOf(userTexts.at(-1) ?? ""));
    const tokens = encodeTokens(answer);
    const complete = tokens.length <= call.maxOutputTokens;
    const text = complete ? answer : decodeTokens(tokens.slice(0, call.maxOutputTokens)).trim();
    return {
      text,
      complete,
      usage: {
        inputTokens: call.messages.reduce((sum, message) => sum + countTokens(textOf(message)), 0),
        outputTokens: countTokens(text),
        cachedInputTokens: 0,
      },
    };
  }

  function embedNow(call: AdapterEmbedCall): AdapterEmbedOutput {
    if (call.signal.aborted) throw abortedError("local");
    return {
      vectors: embedLocal(call.inputs, options.embeddingDim),
      usage: {
        inputTokens: call.inputs.reduce((sum, input) => sum + countTokens(input), 0),
        outputTokens: 0,
        cachedInputTokens: 0,
      },
    };
  }

  return {
    provider: "local",
    generate: (call) => settle(() => generateNow(call)),
    embed: (call) => settle(() => embedNow(call)),
  };
}

// The Promise constructor turns a throw into a rejection, like an async function would.
function settle<T>(compute: () => T): Promise<T> {
  return new Promise((resolve) => resolve(compute()));
}

function textOf(message: ChatMessage): string {
  if (typeof message.content === "string") return message.content;
  return message.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}

/** The last question of the last user turn, else its last line (an instruction, usually). */
function questionOf(lastUserText: string): string {
  const questions = lastUserText.match(/[^.!?\n]*\?/g);
  if (questions && questions.length > 0) return questions.at(-1) ?? "";
  const lines = lastUserText.split("\n").filter((line) => line.trim() !== "");
  return lines.at(-1) ?? "";
}

/** The best-matching statements of `context` for `question`, in document order. */
function extractAnswer(context: string, question: string): string {
  const sentences = context
    .split(/(?<=[.!?])\s+|\n+/)
    .map((sentence) => sentence.replace(/\s+/g, " ").trim())
    // Questions are what is asked, not an answer to it.
    .filter((sentence) => sentence.length > 0 && !sentence.endsWith("?"));
  if (sentences.length === 0) return context.replace(/\s+/g, " ").trim();
  const wanted = new Set(wordsOf(question));
  const scored = sentences.map((sentence, index) => ({
    index,
    score: wordsOf(sentence).filter((word) => wanted.has(word)).length,
  }));
  const best = scored
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, MAX_SENTENCES);
  const chosen = best.length > 0 ? best.map((entry) => entry.index).sort((a, b) => a - b) : [0];
  return chosen.map((index) => sentences[index]).join(" ");
}

function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? []).filter((word) => !STOP_WORDS.has(word));
}

const STOP_WORDS = new Set([
  "the", "and", "for", "are", "was", "were", "with", "that", "this", "from", "what", "which", "who",
  "whom", "when", "where", "why", "how", "does", "did", "has", "have", "had", "not", "but", "you",
  "your", "its", "their", "there", "they", "them", "into", "about", "than", "then", "can", "will",
  "would", "should", "could", "any", "all", "per", "our", "out", "please", "answer", "question",
]);
