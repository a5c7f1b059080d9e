import type { LayoutBlock } from "./layout-blocks.ts";

// The first heading of the paper's body; author names come before it.
const FRONT_MATTER_END = /^(?:\d\.?\s+)?(?:abstract|introduction|keywords|summary|background)\b/iu;
const NAME_PARTICLE = /^(?:de|del|della|der|di|van|von|da|dos|du|la|le|bin|al)$/u;
// A name's word: "Chee", "Garcia-Molina", "O'Neil", an initial "S." or "X".
const NAME_WORD = /^\p{Lu}[\p{L}\p{M}'’-]*\.?$/u;

/** "Joseph Chee Chang", "Arman Cohan†∗ Sergey Feldman†∗", "A, B, and C": people, not a section. */
export function isNameLine(text: string): boolean {
  // Old TeX output sets accents as separate spacing marks ("Zolt´an Gy¨ongyi").
  const plain = text
    .normalize("NFC")
    .replace(/[´¨`˜ˆ¸˘ˇ˙˚˝]/gu, "")
    .replace(/\*\*/g, "").replace(/[\d∗*†‡§¶#]+/gu, " ").trim();
  const parts = plain.split(/,|;|\band\b|&/u).map((part) => part.trim()).filter((part) => part.length > 0);
  if (parts.length === 0) return false;
  let multiWord = false;
  for (const part of parts) {
    const words = part.split(/\s+/);
    // Several authors may share a line without commas ("Iz Beltagy† Doug Downey† Daniel S. Weld").
    if (words.length > 9) return false;
    if (!words.every((word) => NAME_WORD.test(word) || NAME_PARTICLE.test(word))) return false;
    if (words.length >= 2) multiWord = true;
  }
  return multiWord;
}

/**
 * Author lines under a paper's title are set large, often bold, so the size rules take them for
 * headings. On a title page (one with a top-level title, or with an Abstract or Introduction
 * heading) the name lines above that heading, or in the page's upper half when there is none,
 * become paragraphs. The title itself, the page's first heading, stays.
 */
export function demoteAuthorNames(blocks: readonly LayoutBlock[], pageHeight: number): LayoutBlock[] {
  const headings = blocks.filter((block) => block.kind === "heading");
  const frontEnd = blocks.findIndex((block) => block.kind === "heading" && FRONT_MATTER_END.test(headingText(block)));
  const titlePage = frontEnd >= 0 || headings.some((block) => block.kind === "heading" && block.level === 1);
  if (!titlePage || headings.length === 0) return [...blocks];
  const title = headings[0];
  return blocks.map((block, index) => {
    if (block.kind !== "heading" || block === title) return block;
    const text = headingText(block);
    // Without an Abstract to bound the front matter, only a list of several names is taken:
    // "Part One" under a title is a name-shaped section heading.
    const inFront = frontEnd >= 0 ? index < frontEnd : (block.lines[0]?.y0 ?? 0) < pageHeight * 0.5 && /,|\band\b/u.test(text);
    return inFront && isNameLine(text) ? { kind: "paragraph", lines: block.lines } : block;
  });
}

/** A heading's lines as one line; a word hyphenated at the line break is joined again. */
export function headingText(block: LayoutBlock): string {
  let text = "";
  for (const line of block.lines) {
    const next = line.text.trim();
    if (/\p{L}-$/u.test(text) && /^\p{Ll}/u.test(next)) text = text.slice(0, -1) + next;
    else text = text ? `${text} ${next}` : next;
  }
  return text.replace(/\s+/g, " ");
}
