import { describe, expect, it } from "vitest";
import {
  normaliseDate,
  normaliseEmail,
  normaliseNumber,
  normalisePhone,
  normaliseUrl,
  parseBoolean,
  trimToMaxLength,
} from "../../../src/generation/value-normalisers.ts";

describe("value normalisers", () => {
  it("finds and validates email addresses", () => {
    expect(normaliseEmail("My email is Ada@Example.COM.")).toBe("Ada@example.com");
    expect(normaliseEmail("mailto:ada@example.com")).toBe("ada@example.com");
    expect(normaliseEmail("ada at example dot com")).toBeNull();
    expect(normaliseEmail("ada@localhost")).toBeNull();
  });

  it("finds URLs, adds https to bare domains and rejects non-URLs", () => {
    expect(normaliseUrl("https://github.com/ada.")).toBe("https://github.com/ada");
    expect(normaliseUrl("See [my site](https://ada.dev)")).toBe("https://ada.dev");
    expect(normaliseUrl("github.com/ada")).toBe("https://github.com/ada");
    expect(normaliseUrl("i.e. nothing")).toBeNull();
    expect(normaliseUrl("ftp://files.example.com")).toBeNull();
    expect(normaliseUrl("none")).toBeNull();
  });

  it("accepts phone numbers of 7 to 15 digits", () => {
    expect(normalisePhone("Call +1 (555)  010-0000 anytime")).toBe("+1 (555) 010-0000");
    expect(normalisePhone("123")).toBeNull();
    expect(normalisePhone("1234567890123456")).toBeNull();
  });

  it("extracts numbers without units or thousands separators", () => {
    expect(normaliseNumber("About 1,200 USD")).toBe("1200");
    expect(normaliseNumber("5+ years")).toBe("5");
    expect(normaliseNumber("-3.5")).toBe("-3.5");
    expect(normaliseNumber("several")).toBeNull();
  });

  it("parses dates in common forms and refuses ambiguous or impossible ones", () => {
    expect(normaliseDate("2025-03-01")).toBe("2025-03-01");
    expect(normaliseDate("2025-03-01T10:00:00Z")).toBe("2025-03-01");
    expect(normaliseDate("March 1st, 2025")).toBe("2025-03-01");
    expect(normaliseDate("1 March 2025")).toBe("2025-03-01");
    expect(normaliseDate("Sept 2025")).toBe("2025-09-01");
    expect(normaliseDate("25/12/2025")).toBe("2025-12-25");
    expect(normaliseDate("03/04/2025")).toBeNull();
    expect(normaliseDate("03/04/2025", "MM/DD/YYYY")).toBe("03/04/2025");
    expect(normaliseDate("2025-03-04", "DD/MM/YYYY")).toBe("04/03/2025");
    expect(normaliseDate("2025-02-30")).toBeNull();
    expect(normaliseDate("Immediately")).toBeNull();
    expect(normaliseDate("Field 1")).toBeNull();
  });

  it("reads yes/no answers", () => {
    expect(parseBoolean("Yes, I am.")).toBe(true);
    expect(parseBoolean("false")).toBe(false);
    expect(parseBoolean("No")).toBe(false);
    expect(parseBoolean("Maybe")).toBeNull();
  });

  it("trims at a word boundary within maxLength", () => {
    expect(trimToMaxLength("The quick brown fox", 12)).toBe("The quick");
    expect(trimToMaxLength("The quick brown fox", 9)).toBe("The quick");
    expect(trimToMaxLength("The quick, brown fox", 11)).toBe("The quick");
    expect(trimToMaxLength("Supercalifragilistic", 5)).toBe("Super");
    expect(trimToMaxLength("ab😀cd", 3)).toBe("ab");
    expect(trimToMaxLength("short", 10)).toBe("short");
  });
});
