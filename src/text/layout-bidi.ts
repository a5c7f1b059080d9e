import type { TextItem } from "./text-item.ts";

// Strong right-to-left letters: Hebrew, Arabic, Syriac, Thaana, N'Ko and their presentation forms.
const RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/gu;
const LTR = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/** Whether a line's items are mostly right-to-left letters, so the line reads from the right. */
export function isRightToLeft(items: readonly TextItem[]): boolean {
  const text = items.map((item) => item.text).join("");
  const rtl = count(text, RTL);
  return rtl > 0 && rtl > count(text, LTR);
}

/**
 * A right-to-left line's items (given left to right, as they sit on the page) in reading order.
 * pdf.js already puts the characters inside each item in logical order (its own bidi pass);
 * what is left is the order of the items: right to left, except that runs of left-to-right
 * items (Latin words, numbers) inside the line keep their left-to-right order, as the Unicode
 * bidi algorithm reorders them at level 2.
 */
export function rightToLeftOrder(items: readonly TextItem[]): TextItem[] {
  const runs: { ltr: boolean; items: TextItem[] }[] = [];
  for (const item of items) {
    const rtl = count(item.text, RTL);
    const ltr = count(item.text, LTR) + count(item.text, /\d/gu);
    // Spaces and punctuation join the run they sit in; a new run starts at a change of direction.
    const direction = rtl === 0 && ltr === 0 ? runs.at(-1)?.ltr ?? false : ltr > rtl;
    const last = runs.at(-1);
    if (last && last.ltr === direction) last.items.push(item);
    else runs.push({ ltr: direction, items: [item] });
  }
  return runs.reverse().flatMap((run) => (run.ltr ? run.items : [...run.items].reverse()));
}
