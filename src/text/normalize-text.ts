// Presentation forms and old TeX (OT1) ligature slots that pdf.js passes through when a font
// has no usable ToUnicode map; the OT1 ones only count between letters, where they are words.
const LIGATURES: Record<string, string> = {
  "\uFB00": "ff",
  "\uFB01": "fi",
  "\uFB02": "fl",
  "\uFB03": "ffi",
  "\uFB04": "ffl",
  "\uFB05": "st",
  "\uFB06": "st",
};
const OT1_LIGATURES: Record<string, string> = { "\x0B": "ff", "\x0C": "fi", "\x0D": "fl", "\x0E": "ffi", "\x0F": "ffl" };

// LaTeX fonts often draw accents as separate spacing characters before the letter ("Gr ´egory").
const SPACING_ACCENTS: Record<string, string> = {
  "´": "\u0301",
  "`": "\u0300",
  "¨": "\u0308",
  "ˆ": "\u0302",
  "˜": "\u0303",
  "ˇ": "\u030C",
  "˘": "\u0306",
  "˙": "\u0307",
  "˚": "\u030A",
  "˝": "\u030B",
};

/**
 * Normalises the characters of extracted text: ligatures, accent glyphs, exotic spaces,
 * invisible and control characters, private-use glyphs (symbol font pieces), NFC; collapses
 * runs of spaces and trims line ends. Line-end soft hyphens are kept for de-hyphenation.
 */
export function normalizeText(text: string): string {
  return (
    text
      // Before line endings are unified: the "fl" slot is \r, and between letters it is a word.
      // eslint-disable-next-line no-control-regex -- these control codes are the OT1 ligature slots
      .replace(/(?<=\p{L})[\x0B-\x0F](?=\p{L})/gu, (slot) => OT1_LIGATURES[slot] ?? slot)
      .replace(/\r\n?/g, "\n")
      .replace(/[\uFB00-\uFB06]/g, (ligature) => LIGATURES[ligature] ?? ligature)
      .replace(/ ?([´`¨ˆ˜ˇ˘˙˚˝]) ?([A-Za-zıȷ])/g, (_match, accent: string, letter: string) => `${letter}${SPACING_ACCENTS[accent] ?? ""}`)
      .replace(/(?<=[cCsStT]) ?¸/g, "\u0327")
      .replace(/[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000\t\v\f]/g, " ")
      .replace(/[\u200B-\u200D\u2060\uFEFF]/g, "")
      .replace(/\u00AD(?!\s*\n)/g, "")
      // eslint-disable-next-line no-control-regex -- stray control codes are what this removes
      .replace(/[\x00-\x08\x0E-\x1F\x7F\uE000-\uF8FF\uFFFD]/g, "")
      .normalize("NFC")
      .replace(/ {2,}/g, " ")
      .replace(/^ +| +$/gm, "")
  );
}
