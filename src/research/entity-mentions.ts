import { findBibliography } from "../citations/find-bibliography.ts";
import { splitMarkdownBlocks } from "../text/markdown-blocks.ts";
import { classifyEntity, type EntityKind } from "./entity-kinds.ts";

/** A candidate entity named on one page of a paper. */
export interface MentionCandidate {
  /** 1-based page number. */
  page: number;
  text: string;
  /** Set when the page defines this long form with an acronym: "Google File System (GFS)". */
  acronym?: string;
  kind: EntityKind;
  count: number;
}

// Capitalised words that start sentences, label figures or name parts of a paper, not entities.
const COMMON = new Set(
  (
    "a an the this that these those it its we our in on of for to and or but if as at by with from into is are was were be " +
    "figure fig table section sec appendix equation eq algorithm chapter part step example note proof lemma theorem definition " +
    "abstract introduction conclusion conclusions related work results discussion method methods evaluation experiments " +
    "however therefore thus also then when where while which since because although here there each all some many most " +
    "first second third finally further moreover furthermore given let suppose consider see i ii iii iv v vi " +
    "january february march april may june july august september october november december monday " +
    "yes no not one two three four five pdf url http https www html xml api id ok vs et al eg ie cf"
  ).split(" "),
);
const CONNECTORS = new Set(["of", "for", "and", "the", "de", "on", "in", "to"]);
const WORD = String.raw`\p{Lu}[\p{L}\p{N}'’-]*`;
// "Google File System", "World Wide Web", "Open Information Extraction" (inner of/for/and allowed).
const PHRASE = new RegExp(String.raw`(?<![\p{L}\p{N}])${WORD}(?:\s+(?:(?:of|for|the|on|in|to)\s+)?${WORD}){1,5}`, "gu");
// Coined single words: CamelCase (PageRank), acronyms (GFS, BM25, S2ORC), capitalised mid-sentence (Paxos).
const TOKEN = /(?<![\p{L}\p{N}])\p{Lu}[\p{L}\p{N}'’-]*(?![\p{L}\p{N}])/gu;
const ACRONYM = /^(?=.*\p{Lu}.*\p{Lu})[\p{Lu}\p{N}][\p{L}\p{N}-]{1,9}$/u;

function isAcronym(word: string): boolean {
  return ACRONYM.test(word) && word.replace(/[^\p{Lu}]/gu, "").length >= Math.min(2, word.length);
}

function isCoined(word: string): boolean {
  return isAcronym(word) || /^\p{Lu}\p{Ll}+\p{Lu}/u.test(word);
}

/** Whether `acronym` spells the initials of `words` (letters may also come from inside words: "PageRank"). */
export function acronymMatches(acronym: string, longForm: string): boolean {
  const letters = acronym.replace(/[^\p{L}]/gu, "").toLowerCase();
  const words = longForm.split(/[\s-]+/).filter((word) => word.length > 0 && !CONNECTORS.has(word.toLowerCase()));
  if (letters.length < 2 || words.length < 2 || words.length > letters.length + 1) return false;
  // Every word must contribute its first letter, in order; extra letters may come from capitals inside words.
  let position = 0;
  for (const word of words) {
    const lower = word.toLowerCase();
    if (letters[position] !== lower[0]) return false;
    position++;
    const capitals = word.slice(1).replace(/[^\p{Lu}]/gu, "").toLowerCase();
    for (const capital of capitals) if (letters[position] === capital) position++;
  }
  return position === letters.length;
}

function plain(text: string): string {
  // NFKC folds mathematical italics ("𝑃𝐷𝐹"); "TEX- TRUNNER" is a word hyphenated across lines.
  return text
    .normalize("NFKC")
    .replace(/\*\*|__|`/g, "")
    .replace(/\\([#>*_])/g, "$1")
    .replace(/-\n(?=\p{Ll})/gu, "")
    .replace(/\s+/g, " ")
    .replace(/(?<=\p{L})- (?=\p{L})/gu, "");
}

function trimPhrase(phrase: string): string | undefined {
  const words = phrase.split(" ");
  while (words.length > 0 && (CONNECTORS.has(words[0]!.toLowerCase()) || COMMON.has(words[0]!.toLowerCase()))) words.shift();
  while (words.length > 0 && CONNECTORS.has(words.at(-1)!.toLowerCase())) words.pop();
  if (words.length < 2) return undefined;
  return words.join(" ").replace(/[’']s$/, "");
}

/**
 * Candidate entities of one paper, per page, outside its bibliography: acronym definitions
 * ("Google File System (GFS)" and "GFS (Google File System)"), capitalised multi-word names
 * not at the start of a sentence, and coined words (CamelCase, acronyms, capitalised words
 * used mid-sentence). Counted per page; each gets a kind from its words and context.
 */
export function extractEntityMentions(pages: readonly string[]): MentionCandidate[] {
  const blocks = splitMarkdownBlocks(pages);
  const bibliography = findBibliography(blocks);
  const bodyEnd = bibliography ? (bibliography.headingIndex ?? bibliography.start) : blocks.length;
  const body = blocks.slice(0, bodyEnd);
  // A plain capitalised word is a name only if the paper writes it capitalised more often than not.
  const lowerWords = new Map<string, number>();
  for (const block of body) {
    for (const word of plain(block.text).match(/(?<![\p{L}\p{N}])\p{Ll}[\p{L}\p{N}'’-]*/gu) ?? []) lowerWords.set(word, (lowerWords.get(word) ?? 0) + 1);
  }
  const plainWords = new Map<string, number>();
  const found = new Map<string, MentionCandidate>();
  const add = (page: number, text: string, context: string, acronym?: string) => {
    const key = `${page}\u0000${text}`;
    const existing = found.get(key);
    if (existing) {
      existing.count++;
      if (acronym && !existing.acronym) existing.acronym = acronym;
      return;
    }
    found.set(key, { page, text, kind: classifyEntity(text, context, isCoined(text) || Boolean(acronym)), count: 1, ...(acronym ? { acronym } : {}) });
  };

  const title = body.find((block) => block.pageIndex === 0 && block.headingLevel > 0);
  body.forEach((block) => {
    // In the title every word is capitalised: only coined names ("PPCoin", "TrustRank") count,
    // and twice, since what a paper names in its title is what it is about.
    if (block === title) {
      for (const match of plain(block.text).matchAll(TOKEN)) {
        if (!isCoined(match[0])) continue;
        add(1, match[0], block.text.toLowerCase());
        add(1, match[0], block.text.toLowerCase());
      }
      return;
    }
    if (block.headingLevel > 0) return;
    const page = block.pageIndex + 1;
    const text = plain(block.text);
    for (const sentence of text.split(/(?<=[.!?])\s+(?=\p{Lu})/u)) {
      const context = sentence.toLowerCase();
      const defined = new Set<string>();
      // Long form, then the acronym in brackets: the shortest run of preceding words it spells.
      for (const match of sentence.matchAll(/\(([\p{Lu}][\p{L}\p{N}-]{1,9})\)/gu)) {
        const acronym = match[1]!;
        const words = sentence.slice(Math.max(0, match.index - 120), match.index).trim().split(" ").slice(-8);
        for (let take = 2; take <= words.length; take++) {
          const longForm = words.slice(-take).join(" ").replace(/^[^\p{L}]+/u, "");
          if (acronymMatches(acronym, longForm)) {
            add(page, longForm.replace(/^\p{Ll}/u, (c) => c.toUpperCase()), context, acronym);
            defined.add(acronym);
            break;
          }
        }
      }
      // The acronym, then the long form in brackets.
      for (const match of sentence.matchAll(/\b([\p{Lu}][\p{L}\p{N}-]{1,9})\s+\(((?:[\p{L}'’-]+\s+){1,6}[\p{L}'’-]+)\)/gu)) {
        if (isAcronym(match[1]!) && acronymMatches(match[1]!, match[2]!)) {
          add(page, match[2]!.replace(/^\p{Ll}/u, (c) => c.toUpperCase()), context, match[1]);
          defined.add(match[1]!);
        }
      }
      const first = /^[^\p{L}\p{N}]*([\p{L}\p{N}'’-]+)/u.exec(sentence);
      const firstWord = first?.[1];
      const firstWordEnd = first ? first[0].length : 0;
      const phraseWords = new Set<string>();
      for (const match of sentence.matchAll(PHRASE)) {
        const phrase = trimPhrase(match[0]);
        if (!phrase || (match.index === 0 && phrase === match[0] && !isCoined(firstWord ?? ""))) continue;
        if (phrase.split(" ").every((word) => COMMON.has(word.toLowerCase()) || CONNECTORS.has(word.toLowerCase()))) continue;
        if (phrase.length > 60) continue;
        add(page, phrase, context);
        for (const word of phrase.split(" ")) phraseWords.add(word);
      }
      for (const match of sentence.matchAll(TOKEN)) {
        const word = match[0].replace(/[’']s$/, "").replace(/-+$/, "");
        if (word.length < 2 || COMMON.has(word.toLowerCase()) || defined.has(word) || /^\p{Lu}\d*$/u.test(word)) continue;
        // An all-capital sentence (a heading in small caps) says nothing about which words are names.
        if (word.length > 10 && word === word.toUpperCase()) continue;
        const coined = isCoined(word);
        if (!coined && (match.index < firstWordEnd || phraseWords.has(word))) continue;
        if (!coined) plainWords.set(word, (plainWords.get(word) ?? 0) + 1);
        add(page, word, context);
      }
    }
  });
  return [...found.values()].filter((mention) => {
    const capitalised = plainWords.get(mention.text);
    return capitalised === undefined || capitalised > (lowerWords.get(mention.text.toLowerCase()) ?? 0);
  });
}
