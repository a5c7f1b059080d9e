// Weights that typesetters name in the font; "Medi" is how URW's Times clone (NimbusRomNo9L,
// used by TeX) spells its bold, and CMBX/CMSSBX are Computer Modern's bold extended faces.
const BOLD_NAME = /bold|black|heavy|semibold|demibold|demi\b|-medi(?:ital)?$|^cm(?:bx|ssbx|b\d)/i;

/** Drops the six-letter subset tag that embedded fonts carry ("TACTGM+NimbusRomNo9L-Medi"). */
export function stripSubsetTag(fontName: string): string {
  return fontName.replace(/^[A-Z]{6}\+/, "");
}

/**
 * Whether a font is bold, from pdf.js's flag (set when it substituted a standard font) or,
 * failing that, from the face's name. A hint for heading detection, not a typographic fact.
 */
export function isBoldFont(fontName: string, flaggedBold: boolean | undefined): boolean {
  if (flaggedBold === true) return true;
  return BOLD_NAME.test(stripSubsetTag(fontName));
}
