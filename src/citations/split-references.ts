import type { MarkdownBlock } from "../text/markdown-blocks.ts";
import { isContinuation, type BibliographySpan } from "./find-bibliography.ts";
import { isReferenceLike, joinLines, lineLabel, plainText, type LabelStyle, type RawReference } from "./reference-signals.ts";
import { unlabelledEntries } from "./unlabelled-references.ts";

interface Line {
  block: number;
  text: string;
}

function linesOf(blocks: readonly MarkdownBlock[], from: number, to: number): Line[] {
  const lines: Line[] = [];
  for (let block = from; block < to; block++) {
    for (const text of plainText(blocks[block]!.text).split("\n")) lines.push({ block, text: text.trim() });
  }
  return lines;
}

/**
 * Collects an entry's lines from its label up to the next label, following later blocks only
 * while they continue it: body text that the reading order put between two entries is skipped.
 */
function entryText(blocks: readonly MarkdownBlock[], lines: readonly Line[], from: number, to: number): string {
  const kept: string[] = [];
  const labelBlock = lines[from]!.block;
  let following = true;
  for (let i = from; i < to; i++) {
    const line = lines[i]!;
    if (line.block !== labelBlock && line.block !== lines[i - 1]!.block) {
      const block = blocks[line.block]!;
      following = following && block.headingLevel === 0 && (isContinuation(block) || isReferenceLike(block.text));
    }
    if (following) kept.push(line.text);
  }
  return joinLines(kept);
}

/**
 * The numbered labels that form the bibliography: starting from label `first`, each next
 * number is taken at its first appearance after the previous one; a missing number is skipped
 * only when it appears nowhere later.
 */
function numberedSequence(lines: readonly Line[], style: LabelStyle, first: number): number[] {
  const candidates: { index: number; number: number }[] = [];
  lines.forEach((line, index) => {
    const label = lineLabel(line.text);
    if (label?.style === style && label.number !== undefined) candidates.push({ index, number: label.number });
  });
  const taken: number[] = [];
  let position = -1;
  let expected = first;
  for (;;) {
    const after = candidates.filter((candidate) => candidate.index > position);
    const exact = after.find((candidate) => candidate.number === expected);
    const skip = after.find((candidate) => candidate.number > expected && candidate.number <= expected + 3);
    const next = exact ?? skip;
    if (!next) break;
    taken.push(next.index);
    position = next.index;
    expected = next.number + 1;
  }
  return taken;
}

function dominantStyle(lines: readonly Line[]): LabelStyle | undefined {
  const counts = new Map<LabelStyle, number>();
  for (const line of lines) {
    const label = lineLabel(line.text);
    if (label) counts.set(label.style, (counts.get(label.style) ?? 0) + 1);
  }
  let best: LabelStyle | undefined;
  let bestCount = 2;
  for (const [style, count] of counts) {
    if (count > bestCount || (count === bestCount && style !== "number-bare")) {
      best = style;
      bestCount = count;
    }
  }
  return best;
}

function numberedEntries(
  blocks: readonly MarkdownBlock[],
  lines: readonly Line[],
  taken: readonly number[],
  end: number,
): RawReference[] {
  return taken.map((index, k) => {
    const next = taken[k + 1] ?? end;
    const label = lineLabel(lines[index]!.text)!;
    return { label: label.label, raw: entryText(blocks, lines, index, next) };
  });
}

/**
 * Splits a bibliography into entries. Numbered labels are followed in sequence (so "[19]." in
 * body text or a numbered list elsewhere is not an entry), text labels start an entry each, and
 * unlabelled entries come from the layout's paragraphs. Without a span, a numbered sequence
 * anywhere in the document is looked for (bibliographies without a heading).
 */
export function splitReferences(blocks: readonly MarkdownBlock[], span: BibliographySpan | undefined): RawReference[] {
  if (!span) {
    const lines = linesOf(blocks, 0, blocks.length);
    let best: number[] = [];
    for (const style of ["bracket-number", "number-dot"] as const) {
      const taken = numberedSequence(lines, style, 1);
      if (taken.length > best.length) best = taken;
    }
    if (best.length < 3) return [];
    const entries = numberedEntries(blocks, lines, best, lines.length);
    // Without a heading, only a list whose items read like references is a bibliography.
    const referenceLike = entries.filter((entry) => isReferenceLike(entry.raw)).length;
    return referenceLike >= entries.length / 2 ? entries : [];
  }
  const inSpan = linesOf(blocks, span.start, span.end);
  const style = dominantStyle(inSpan);
  if (style === "bracket-text") {
    const taken = inSpan.flatMap((line, index) => (lineLabel(line.text)?.style === "bracket-text" ? [index] : []));
    return numberedEntries(blocks, inSpan, taken, inSpan.length);
  }
  if (style !== undefined) {
    // Follow the sequence to the end of the document: the reading order may put entries
    // after other text (a conclusion in the next column). Entries that text order puts before
    // the heading are looked for from the page before it.
    const headingPage = blocks[span.start - 1]?.pageIndex ?? 0;
    const from = Math.min(span.start, blocks.findIndex((block) => block.pageIndex >= headingPage - 1));
    const afterHeading = linesOf(blocks, span.start, blocks.length);
    const withEarlier = linesOf(blocks, from, blocks.length);
    const takenAfter = numberedSequence(afterHeading, style, 1);
    const takenEarlier = numberedSequence(withEarlier, style, 1);
    const [lines, taken] =
      takenEarlier.length > takenAfter.length ? [withEarlier, takenEarlier] : [afterHeading, takenAfter];
    if (taken.length >= 2) return numberedEntries(blocks, lines, taken, lines.length);
  }
  return unlabelledEntries(blocks, span);
}
