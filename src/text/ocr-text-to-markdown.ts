const BULLET = /^[•·▪◦●○■□*–-]\s+/u;
const NUMBERED = /^\(?(\d{1,3})[.)]\s+/;

/** A short stand-alone line in capitals ("INTRODUCTION", "2 RELATED WORK") reads as a heading. */
function isCapsHeading(line: string): boolean {
  const letters = line.replace(/[^\p{L}]/gu, "");
  return letters.length >= 4 && line.split(/\s+/).length <= 10 && letters === letters.toUpperCase() && !/[.,;:]$/.test(line);
}

/**
 * Turns OCR output (tesseract's plain text: lines, blank lines between paragraphs) into the
 * same markdown shape layoutToMarkdown produces: paragraphs with their lines, `-`/`N.` list
 * items, capitals-only stand-alone lines as `##` headings. Lines of pure noise (no letter or
 * digit) are dropped.
 */
export function ocrTextToMarkdown(text: string): string {
  const paragraphs: string[][] = [[]];
  for (const raw of text.replace(/\r\n?/g, "\n").split("\n")) {
    const line = raw.replace(/[ \t]+/g, " ").trim();
    if (line === "") {
      if (paragraphs.at(-1)!.length > 0) paragraphs.push([]);
      continue;
    }
    if (!/[\p{L}\p{N}]/u.test(line)) continue;
    // A list marker starts its own block even without a blank line before it.
    if ((BULLET.test(line) || NUMBERED.test(line)) && paragraphs.at(-1)!.length > 0) paragraphs.push([]);
    paragraphs.at(-1)!.push(line);
  }
  return paragraphs
    .filter((lines) => lines.length > 0)
    .map((lines) => {
      const [first, ...rest] = lines as [string, ...string[]];
      if (rest.length === 0 && isCapsHeading(first)) return `## ${first}`;
      const head = BULLET.test(first)
        ? `- ${first.replace(BULLET, "")}`
        : NUMBERED.test(first)
          ? first.replace(NUMBERED, "$1. ")
          : first.replace(/^(#{1,6}\s)/, "\\$1");
      return [head, ...rest.map((line) => line.replace(/^(#{1,6}\s)/, "\\$1"))].join("\n");
    })
    .join("\n\n");
}
