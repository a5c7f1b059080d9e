import type { FieldError, FormFieldInput } from "./form-field-types.ts";
import { findOption, matchOption, normaliseForMatch } from "./option-matcher.ts";
import {
  dateFormatFromHint,
  normaliseDate,
  normaliseEmail,
  normaliseNumber,
  normalisePhone,
  normaliseUrl,
  parseBoolean,
  trimToMaxLength,
} from "./value-normalisers.ts";

/** A value that fits the field, or why there is none. */
export type FinalisedValue = { ok: true; value: string; notes: string[] } | ({ ok: false } & FieldError);

// Options that mean "no answer", preferred when a model gives none for a choice field.
const DECLINE_OPTION = /\b(prefer not|decline|rather not|not (to )?(say|disclose|answer)|do not wish|dont wish)\b/;

/**
 * Strips what models wrap values in: code fences, "Answer:" or "<label>:" prefixes and
 * matching outer quotes.
 */
export function cleanAnswer(raw: string, label: string): string {
  let text = raw.trim().replace(/^```[\w-]*\n?([\s\S]*?)\n?```$/, "$1").trim();
  const prefix = new RegExp(`^(answer|value|${escapeRegExp(label.replace(/[*:]/g, "").trim())})\\s*:\\s*`, "i");
  text = text.replace(prefix, "");
  const quoted = /^(["'“‘«])([\s\S]*)(["'”’»])$/.exec(text);
  if (quoted && quoted[2] !== undefined && !/["“”]/.test(quoted[2])) text = quoted[2].trim();
  return text;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Makes `text` (a cleaned model answer or a profile fact) a valid value for `field`:
 * SELECT/RADIO always become one of the options, CHECKBOX becomes "true"/"false" or a JSON
 * array of options, typed fields are validated and normalised, text is cut to maxLength at a
 * word boundary. Every adjustment is recorded in `notes`.
 */
export function finaliseValue(field: FormFieldInput, text: string): FinalisedValue {
  switch (field.type) {
    case "SELECT":
    case "RADIO":
      return chooseOne(field.options ?? [], text);
    case "CHECKBOX":
      return field.options ? chooseMany(field.options, text) : checkboxValue(text);
    case "TEXT":
      return fitText(field, text.replace(/\s+/g, " ").trim());
    case "TEXTAREA":
      return fitText(field, text.replace(/[ \t]+\n/g, "\n").trim());
    default:
      return typedValue(field, text.trim());
  }
}

function noAnswer(field: FormFieldInput): FinalisedValue {
  if (field.required) return { ok: false, code: "NO_ANSWER", message: `No answer for required field "${field.label}"` };
  return { ok: true, value: "", notes: ["No answer: the profile and context do not say"] };
}

function fitText(field: FormFieldInput, text: string): FinalisedValue {
  if (text === "") return noAnswer(field);
  if (field.maxLength === undefined || text.length <= field.maxLength) return { ok: true, value: text, notes: [] };
  const value = trimToMaxLength(text, field.maxLength);
  return { ok: true, value, notes: [`Trimmed from ${text.length} to ${value.length} characters (maxLength ${field.maxLength})`] };
}

const TYPED: Record<string, { parse: (text: string, field: FormFieldInput) => string | null; noun: string }> = {
  EMAIL: { parse: (text) => normaliseEmail(text), noun: "an email address" },
  URL: { parse: (text) => normaliseUrl(text), noun: "an http(s) URL" },
  PHONE: { parse: (text) => normalisePhone(text), noun: "a phone number (7 to 15 digits)" },
  NUMBER: { parse: (text) => normaliseNumber(text), noun: "a number" },
  DATE: { parse: (text, field) => normaliseDate(text, dateFormatFromHint(field.hint)), noun: "a date" },
};

function typedValue(field: FormFieldInput, text: string): FinalisedValue {
  if (text === "") return noAnswer(field);
  const kind = TYPED[field.type]!;
  const value = kind.parse(text, field);
  if (value === null) {
    return { ok: false, code: "INVALID_ANSWER", message: `The answer for "${field.label}" is not ${kind.noun}` };
  }
  if (field.maxLength !== undefined && value.length > field.maxLength) {
    // Cutting an email or URL short would make it wrong, not shorter.
    return { ok: false, code: "INVALID_ANSWER", message: `The answer for "${field.label}" is longer than maxLength ${field.maxLength}` };
  }
  return { ok: true, value, notes: value === text ? [] : [`Normalised ${JSON.stringify(text)} to ${JSON.stringify(value)}`] };
}

function chooseOne(options: string[], text: string): FinalisedValue {
  if (normaliseForMatch(text) === "") {
    const decline = options.find((option) => DECLINE_OPTION.test(normaliseForMatch(option)));
    const option = decline ?? options[0]!;
    return { ok: true, value: option, notes: [`No answer; chose ${JSON.stringify(option)}${decline ? "" : " (first option)"}`] };
  }
  const match = matchOption(text, options);
  const notes =
    match.method === "similarity"
      ? [`The answer ${JSON.stringify(text)} matched no option; chose the most similar, ${JSON.stringify(match.option)} (similarity ${match.score.toFixed(2)})`]
      : match.method === "contained"
        ? [`Matched the answer ${JSON.stringify(text)} to option ${JSON.stringify(match.option)}`]
        : [];
  return { ok: true, value: match.option, notes };
}

function chooseMany(options: string[], text: string): FinalisedValue {
  const items = listItems(text);
  const chosen = new Set<number>();
  const dropped: string[] = [];
  for (const item of items) {
    const match = findOption(item, options)?.index ?? similarEnough(item, options);
    if (match === null) dropped.push(item);
    else chosen.add(match);
  }
  const value = JSON.stringify(options.filter((_, index) => chosen.has(index)));
  return { ok: true, value, notes: dropped.length > 0 ? [`Ignored answers matching no option: ${JSON.stringify(dropped)}`] : [] };
}

function similarEnough(item: string, options: string[]): number | null {
  const match = matchOption(item, options);
  return match.score >= 0.6 ? match.index : null;
}

function listItems(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed.filter((item): item is string => typeof item === "string");
    } catch {
      // Not JSON after all: read it as a plain list below.
    }
  }
  if (/^(none|nothing|n a|no)$/.test(normaliseForMatch(trimmed))) return [];
  return trimmed
    .replace(/^\[|\]$/g, "")
    .split(/[\n,;]+/)
    .map((item) => item.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, "").replace(/^["']|["']$/g, "").trim())
    .filter((item) => item !== "");
}

function checkboxValue(text: string): FinalisedValue {
  if (text.trim() === "") return { ok: true, value: "false", notes: ["No answer; left unchecked"] };
  const value = parseBoolean(text);
  if (value === null) return { ok: false, code: "INVALID_ANSWER", message: `The answer ${JSON.stringify(text.slice(0, 80))} is not yes or no` };
  return { ok: true, value: String(value), notes: [] };
}
