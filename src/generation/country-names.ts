import { normaliseForMatch } from "./option-matcher.ts";

/** A country as ISO 3166-1 alpha-2 code plus its English name from ICU. */
export interface Country {
  code: string;
  name: string;
}

// Common names ICU does not use; codes and ICU's own names come from Intl.DisplayNames.
const ALIASES: Record<string, string> = {
  usa: "US",
  "united states of america": "US",
  america: "US",
  "the united states": "US",
  uk: "GB",
  "great britain": "GB",
  britain: "GB",
  england: "GB",
  scotland: "GB",
  wales: "GB",
  "northern ireland": "GB",
  uae: "AE",
  korea: "KR",
  "republic of korea": "KR",
  "czech republic": "CZ",
  turkey: "TR",
  holland: "NL",
  "the netherlands": "NL",
  burma: "MM",
  "hong kong": "HK",
  "ivory coast": "CI",
  "russian federation": "RU",
  macau: "MO",
  "viet nam": "VN",
};

let byName: Map<string, Country> | undefined;
let byCode: Map<string, Country> | undefined;

function tables(): { byName: Map<string, Country>; byCode: Map<string, Country> } {
  if (!byName || !byCode) {
    // Built once, lazily: 676 ICU look-ups take a couple of milliseconds.
    const names = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });
    byName = new Map();
    byCode = new Map();
    for (let first = 65; first <= 90; first++) {
      for (let second = 65; second <= 90; second++) {
        const code = String.fromCharCode(first, second);
        const name = names.of(code);
        if (!name || name === code || code === "EU" || code === "UN" || code === "ZZ" || code === "XK") continue;
        const country = { code, name };
        byCode.set(code, country);
        // First code wins: ICU also names exceptionally reserved codes ("UK" after "GB").
        if (!byName.has(normaliseForMatch(name))) byName.set(normaliseForMatch(name), country);
      }
    }
    for (const [alias, code] of Object.entries(ALIASES)) {
      const country = byCode.get(code);
      if (country) byName.set(alias, country);
    }
  }
  return { byName, byCode };
}

/**
 * The country `text` names: an English name, a common alias ("USA", "UK") or, when
 * `allowCode` is set, an ISO alpha-2 code. Codes are opt-in because "CA" in "San Francisco,
 * CA" is a state, not Canada.
 */
export function resolveCountry(text: string, allowCode = false): Country | null {
  const { byName: names, byCode: codes } = tables();
  const trimmed = text.trim();
  const byAlias = names.get(normaliseForMatch(trimmed));
  if (byAlias) return byAlias;
  return allowCode && /^[A-Za-z]{2}$/.test(trimmed) ? (codes.get(trimmed.toUpperCase()) ?? null) : null;
}
