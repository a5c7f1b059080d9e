import type { LayoutLine } from "./layout-lines.ts";

/** A block of one reading region, ready to render as markdown. */
export type LayoutBlock =
  | { kind: "heading"; level: 1 | 2 | 3; lines: LayoutLine[] }
  | { kind: "paragraph"; lines: LayoutLine[] }
  /** `marker` is "-" for bullets or "N." for numbered items; the lines still carry it. */
  | { kind: "list-item"; marker: string; lines: LayoutLine[] }
  /** `lines` holds one line spanning the table, for placing it among the page's blocks. */
  | { kind: "table"; rows: string[][]; lines: LayoutLine[] };

type IndentStyle = "first-line" | "hanging" | "none";

const BULLET = /^[•◦▪▫●○■□‣⁃∙·*–-]\s+(?=\S)/u;
const NUMBERED = /^(?:\(?(\d{1,3})[.)])\s+(?=\S)/;
const BRACKET_LABEL = /^\[[^\]\s][^\]]{0,48}\]/;

// Section numbers: "3.2", "4.", "A.1", "2" before a capitalised title.
const SECTION_NUMBER = /^(?:\d{1,2}(?:\.\d{1,2})+\.?|\d{1,2}\.?|[A-Z]\.\d{1,2}\.?)\s+(?=\p{Lu})/u;
const CAPTION_LABEL = /^(?:Figure|Fig\.|Table)\s*\d/u;

/** Facts of the page's body text that headings are told apart from. */
export interface BodyStyle {
  fontSize: number;
  /** The body text's font; a short line in another, larger font reads as a heading. */
  fontName?: string;
}

/**
 * A short line numbered like a section, in body size or larger, with a title after the number
 * ("1.1 Diversity of Web Pages", "3 PRELIMINARY INTERVIEWS"): a heading even without weight.
 */
function isNumberedHeading(text: string, ratio: number, words: number): boolean {
  const match = SECTION_NUMBER.exec(text);
  if (!match || ratio < 0.95 || words > 10 || /[-,;:.]$/.test(text)) return false;
  const title = text.slice(match[0].length).split(/\s+/);
  const capitalised = title.filter((word) => /^\p{Lu}/u.test(word)).length;
  // "1. We formalize the problem" is a list item; "2.1 Web model" has a sub-number.
  return match[0].includes(".") && /\d\.\d/.test(match[0]) ? true : capitalised >= 0.5 * title.length;
}

/**
 * A short capitalised line in a font other than the body's and a little larger ("Search
 * results" in a journal's heading face); buildBlocks keeps it only when it stands alone in
 * that style, since a whole paragraph may be set in another face (an abstract).
 */
function isStyledHeading(line: LayoutLine, body: BodyStyle, ratio: number, words: number): boolean {
  const plain = line.text.replace(/\*\*/g, "").trim();
  return (
    body.fontName !== undefined &&
    line.fontName !== body.fontName &&
    ratio >= 1.02 &&
    words <= 8 &&
    /^\p{Lu}/u.test(plain) &&
    !/[.,;]$/.test(plain) &&
    !CAPTION_LABEL.test(plain)
  );
}

function isCapitals(text: string): boolean {
  const letters = text.replace(/[^\p{L}]/gu, "");
  // Scripts without case (Arabic, Hebrew, CJK) have no capitals to set a heading apart.
  const cased = [...letters].filter((letter) => letter.toUpperCase() !== letter.toLowerCase());
  return cased.length >= 2 && cased.length >= 0.8 * [...letters].length && cased.every((letter) => letter === letter.toUpperCase());
}

function sameStyle(a: LayoutLine | undefined, b: LayoutLine): boolean {
  return a !== undefined && a.fontName === b.fontName && Math.abs(a.fontSize - b.fontSize) < 0.5 && Math.abs(a.y0 - b.y0) < 2.5 * b.fontSize;
}

/** Heading level of a line from its size relative to body text, or 0 for body text. */
function headingLevel(line: LayoutLine, body: BodyStyle): 0 | 1 | 2 | 3 {
  if (!/\p{L}{2}/u.test(line.text)) return 0;
  const ratio = line.fontSize / body.fontSize;
  const words = line.text.split(/\s+/).length;
  if (ratio >= 1.6 && words <= 20) return 1;
  if (words > 15) return 0;
  if (ratio >= 1.25) return 2;
  if (ratio < 0.95 || /[,;]$/.test(line.text)) return 0;
  const plain = line.text.replace(/\*\*/g, "").trim();
  // "Sentence:", "High Confidence Tuples:": labels of a box or a run-in lead, not sections.
  if (plain.endsWith(":")) return 0;
  if (isNumberedHeading(plain, ratio, words)) return 3;
  if (isStyledHeading(line, body, ratio, words)) return 3;
  if (/\.$/.test(line.text) && words > 4) return 0;
  // Slightly larger lines are headings only when also set apart by weight or capitals: author
  // and affiliation lines under a title are often a point or two larger than body text.
  if (line.boldRatio >= 0.5 && (ratio >= 1.08 || (line.boldRatio >= 0.9 && words <= 12))) return 3;
  if (ratio >= 1.15 && words <= 6) return 3;
  // Older papers mark sections with capitals ("REFERENCES", "1 INTRODUCTION").
  const letters = line.text.replace(/[^\p{L}]/gu, "");
  if (letters.length >= 4 && words <= 6 && isCapitals(letters)) return 3;
  return 0;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function sameSize(a: LayoutLine, b: LayoutLine): boolean {
  return Math.max(a.fontSize, b.fontSize) / Math.min(a.fontSize, b.fontSize) < 1.1;
}

/** The usual distance between baselines of consecutive lines of one size in this region. */
function typicalPitch(lines: readonly LayoutLine[], fontSize: number): number {
  const pitches: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const [a, b] = [lines[i - 1]!, lines[i]!];
    if (a.fontSize !== fontSize || b.fontSize !== fontSize) continue;
    const pitch = b.y0 - a.y0;
    if (pitch >= 0.9 * fontSize && pitch <= 2.2 * fontSize) pitches.push(pitch);
  }
  return median(pitches) ?? 1.2 * fontSize;
}

/**
 * Whether a run of lines starts paragraphs with an indented first line or with an outdented
 * one (hanging indent, typical of bibliographies). Both alternate indentation, so the tell is
 * which lines are short: the last line of a paragraph precedes the line that starts the next.
 */
function indentStyle(lines: readonly LayoutLine[], right: number): IndentStyle {
  let firstLine = 0;
  let hanging = 0;
  for (let i = 1; i < lines.length; i++) {
    const [prev, cur] = [lines[i - 1]!, lines[i]!];
    if (!sameSize(prev, cur)) continue;
    const em = cur.fontSize;
    const dx = cur.x0 - prev.x0;
    if (Math.abs(dx) < 0.5 * em || Math.abs(dx) > 6 * em) continue;
    const prevShort = prev.x1 < right - 2 * em;
    if ((dx > 0) === prevShort) firstLine++;
    else hanging++;
  }
  if (firstLine === 0 && hanging === 0) return "none";
  return hanging > firstLine ? "hanging" : "first-line";
}

function listMarker(text: string): string | undefined {
  if (BULLET.test(text)) return "-";
  const numbered = NUMBERED.exec(text);
  return numbered ? `${numbered[1]}.` : undefined;
}

interface RegionFacts {
  right: number;
  pitchBySize: Map<number, number>;
}

/** Decides whether `cur` continues the block that `prev` belongs to. */
function continuesBlock(
  prev: LayoutLine,
  cur: LayoutLine,
  style: IndentStyle,
  facts: RegionFacts,
  heading: boolean,
): boolean {
  if (!sameSize(prev, cur)) return false;
  const pitch = cur.y0 - prev.y0;
  const expected = facts.pitchBySize.get(cur.fontSize) ?? 1.2 * cur.fontSize;
  // Titles are set with generous leading, so heading lines may sit further apart.
  const allowed = heading ? Math.max(expected * 1.3, 1.8 * cur.fontSize) : expected * 1.3;
  if (pitch <= 0 || pitch > allowed + 1) return false;
  // Headings are often centred, so only size and spacing tell whether a line continues one;
  // a section heading directly followed by a slightly smaller subsection heading is two.
  // "METHODS" over "Search strategy": a section and its first subsection, not one heading.
  if (heading) return cur.fontSize === prev.fontSize && isCapitals(cur.text) === isCapitals(prev.text);
  const em = cur.fontSize;
  const dx = cur.x0 - prev.x0;
  const prevShort = prev.x1 < facts.right - 2 * em;
  const prevEnds = prevShort || /[.!?:;)\]]$/.test(prev.text) || dx < -0.5 * em;
  // A bullet glyph always starts an item; "-", digits and brackets also occur mid-sentence.
  if (/^[•◦▪▫●○■□‣⁃∙]/u.test(cur.text)) return false;
  if (prevEnds && (listMarker(cur.text) !== undefined || BRACKET_LABEL.test(cur.text))) return false;
  if (style === "first-line" && dx > 0.5 * em && dx < 6 * em) return false;
  if (style === "hanging" && dx < -0.5 * em && dx > -6 * em) return false;
  return true;
}

function finishBlock(level: 0 | 1 | 2 | 3, lines: LayoutLine[]): LayoutBlock {
  const maxLines = level === 1 ? 4 : level === 3 && lines.every((line) => line.boldRatio >= 0.9) ? 2 : 3;
  if (level > 0 && lines.length <= maxLines) return { kind: "heading", level: level as 1 | 2 | 3, lines };
  const marker = listMarker(lines[0]!.text);
  return marker ? { kind: "list-item", marker, lines } : { kind: "paragraph", lines };
}

/**
 * Groups the lines of one reading region (top to bottom) into headings, paragraphs and list
 * items using vertical gaps, size changes, indentation and list markers.
 */
export function buildBlocks(lines: readonly LayoutLine[], body: BodyStyle): LayoutBlock[] {
  if (lines.length === 0) return [];
  const sizes = new Set(lines.map((line) => line.fontSize));
  const facts: RegionFacts = {
    right: Math.max(...lines.map((line) => line.x1)),
    pitchBySize: new Map([...sizes].map((size) => [size, typicalPitch(lines, size)])),
  };
  const levels = lines.map((line, i) => {
    const level = headingLevel(line, body);
    // A line that is a heading only by its face must stand alone in that face.
    const byFaceOnly = level === 3 && isStyledHeading(line, body, line.fontSize / body.fontSize, line.text.split(/\s+/).length);
    if (byFaceOnly && headingLevel({ ...line, fontName: body.fontName ?? "" }, body) === 0) {
      const bodyLike = (other: LayoutLine | undefined) =>
        sameStyle(other, line) && !isStyledHeading(other!, body, other!.fontSize / body.fontSize, other!.text.split(/\s+/).length);
      if (bodyLike(lines[i - 1]) || bodyLike(lines[i + 1])) return 0;
    }
    return level;
  });
  // Indentation style is judged between headings, so a bibliography set with hanging indents is
  // not outvoted by the body text above its heading.
  const styles: IndentStyle[] = [];
  for (let start = 0; start < lines.length; ) {
    let end = start + 1;
    while (end < lines.length && (levels[end] === 0) === (levels[start] === 0)) end++;
    const style = indentStyle(lines.slice(start, end), facts.right);
    for (let i = start; i < end; i++) styles.push(style);
    start = end;
  }
  const blocks: LayoutBlock[] = [];
  let current: LayoutLine[] = [lines[0]!];
  let currentLevel = levels[0]!;
  for (let i = 1; i < lines.length; i++) {
    const [prev, cur, level] = [lines[i - 1]!, lines[i]!, levels[i]!];
    const continues = level === currentLevel && continuesBlock(prev, cur, styles[i]!, facts, level > 0);
    if (continues && (level === 0 || current.length < 4)) {
      current.push(cur);
      continue;
    }
    blocks.push(finishBlock(currentLevel, current));
    current = [cur];
    currentLevel = level;
  }
  blocks.push(finishBlock(currentLevel, current));
  return blocks;
}
