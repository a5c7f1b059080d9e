import { z } from "zod";
import { normaliseForMatch } from "./option-matcher.ts";

/**
 * Validation and normalisation of typed values, shared by profile extraction and model
 * answers. Each returns null when the text holds no valid value of that kind.
 */

const emailSchema = z.email();
const TRAILING_PUNCTUATION = /[.,;:!?)\]}>"']+$/;

/** The first valid email address in `text`, with the domain lowercased. */
export function normaliseEmail(text: string): string | null {
  const candidate = /[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+/.exec(text.replace(/mailto:/gi, ""))?.[0];
  if (!candidate) return null;
  const email = candidate.replace(TRAILING_PUNCTUATION, "");
  if (!emailSchema.safeParse(email).success) return null;
  const at = email.lastIndexOf("@");
  return email.slice(0, at) + email.slice(at).toLowerCase();
}

/**
 * The first http(s) URL in `text` (a markdown link's target counts); a bare domain such as
 * "github.com/ada" gets "https://". The host must contain a dot.
 */
export function normaliseUrl(text: string): string | null {
  const markdown = /\]\((\S+?)\)/.exec(text)?.[1];
  const candidate =
    markdown ??
    /https?:\/\/\S+/i.exec(text)?.[0] ??
    /(?:^|\s)((?:www\.)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:\/\S*)?)/i.exec(text)?.[1];
  if (!candidate) return null;
  const trimmed = candidate.replace(TRAILING_PUNCTUATION, "");
  const absolute = /^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  if (!URL.canParse(absolute)) return null;
  const url = new URL(absolute);
  if (!url.hostname.includes(".") || url.username !== "" || url.password !== "") return null;
  return absolute;
}

/**
 * The first phone number in `text`: 7 to 15 digits (E.164's maximum) with optional leading
 * "+", spaces, dots, dashes and parentheses. Whitespace is collapsed; formatting is kept.
 */
export function normalisePhone(text: string): string | null {
  const candidate = /\+?\(?\d[\d\s().-]*\d/.exec(text)?.[0];
  if (!candidate) return null;
  const digits = candidate.replace(/\D/g, "").length;
  if (digits < 7 || digits > 15) return null;
  return candidate.replace(/\s+/g, " ").trim();
}

/** A number without units or thousands separators ("1,200 USD" -> "1200"). */
export function normaliseNumber(text: string): string | null {
  const match = /-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?/.exec(text)?.[0];
  if (!match) return null;
  const value = Number(match.replace(/,/g, ""));
  return Number.isFinite(value) ? String(value) : null;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** Date output formats a field's hint can ask for; ISO otherwise. */
export type DateFormat = "YYYY-MM-DD" | "MM/DD/YYYY" | "DD/MM/YYYY";

/** The format a field's hint asks for ("MM/DD/YYYY", "dd/mm/yyyy"), or ISO. */
export function dateFormatFromHint(hint: string | undefined): DateFormat {
  const upper = (hint ?? "").toUpperCase();
  if (upper.includes("MM/DD/YYYY")) return "MM/DD/YYYY";
  if (upper.includes("DD/MM/YYYY")) return "DD/MM/YYYY";
  return "YYYY-MM-DD";
}

/**
 * Parses ISO dates (with or without a time), YYYY/MM/DD, "March 1, 2024", "1 March 2024",
 * "March 2024" (the 1st) and numeric day/month orders when unambiguous or fixed by `format`.
 * Date.parse is not used: V8 accepts nonsense like "Field 1" as a date in 2001.
 */
export function normaliseDate(text: string, format: DateFormat = "YYYY-MM-DD"): string | null {
  const parts = parseDateParts(text.trim().replace(TRAILING_PUNCTUATION, ""), format);
  if (!parts) return null;
  const { year, month, day } = parts;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return null;
  const yyyy = String(year).padStart(4, "0");
  const mm = String(month).padStart(2, "0");
  const dd = String(day).padStart(2, "0");
  if (format === "MM/DD/YYYY") return `${mm}/${dd}/${yyyy}`;
  if (format === "DD/MM/YYYY") return `${dd}/${mm}/${yyyy}`;
  return `${yyyy}-${mm}-${dd}`;
}

function parseDateParts(text: string, format: DateFormat): { year: number; month: number; day: number } | null {
  const iso = /\b(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\b/.exec(text);
  if (iso) return { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3] ?? 1) };
  const ymd = /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/.exec(text);
  if (ymd) return { year: Number(ymd[1]), month: Number(ymd[2]), day: Number(ymd[3]) };
  const numeric = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  if (numeric) {
    const [first, second, year] = [Number(numeric[1]), Number(numeric[2]), Number(numeric[3])];
    if (format === "MM/DD/YYYY" || (format === "YYYY-MM-DD" && second > 12 && first <= 12)) {
      return { year, month: first, day: second };
    }
    if (format === "DD/MM/YYYY" || (format === "YYYY-MM-DD" && first > 12 && second <= 12)) {
      return { year, month: second, day: first };
    }
    return null; // 03/04/2024 could be either; guessing would silently give a wrong date.
  }
  const words = normaliseForMatch(text).replace(/\b(\d{1,2})(?:st|nd|rd|th)\b/g, "$1").split(" ");
  const monthIndex = words.findIndex((word) => word.length >= 3 && MONTHS.includes(word.slice(0, 3)));
  const year = words.find((word) => /^\d{4}$/.test(word));
  const day = words.find((word) => /^\d{1,2}$/.test(word));
  if (monthIndex < 0 || !year || words.length > 4) return null;
  return { year: Number(year), month: MONTHS.indexOf(words[monthIndex]!.slice(0, 3)) + 1, day: Number(day ?? 1) };
}

const YES = new Set(["yes", "y", "true", "checked", "agree", "i agree", "accept", "i accept", "confirmed", "1"]);
const NO = new Set(["no", "n", "false", "unchecked", "disagree", "decline", "i decline", "0", "none"]);

/** Reads a yes/no answer ("Yes, I am", "false", "No.") as a boolean, or null if unclear. */
export function parseBoolean(text: string | boolean): boolean | null {
  if (typeof text === "boolean") return text;
  const normalised = normaliseForMatch(text);
  if (YES.has(normalised)) return true;
  if (NO.has(normalised)) return false;
  const first = normalised.split(" ")[0] ?? "";
  if (first === "yes" || first === "true") return true;
  if (first === "no" || first === "false") return false;
  return null;
}

/**
 * Cuts `text` to at most `maxLength` UTF-16 code units at a word boundary, dropping trailing
 * punctuation left dangling. A single word longer than the limit is cut mid-word; a surrogate
 * pair is never split.
 */
export function trimToMaxLength(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let cut = text.slice(0, maxLength);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  if (!/\s/.test(text.charAt(cut.length))) {
    const lastSpace = cut.search(/\s\S*$/);
    if (lastSpace > 0) cut = cut.slice(0, lastSpace);
  }
  return cut.replace(/[\s,;:([{–—-]+$/u, "");
}
