import { describe, expect, it } from "vitest";
import { cleanAnswer, finaliseValue } from "../../../src/generation/field-postprocess.ts";
import type { FormFieldInput } from "../../../src/generation/form-field-types.ts";

const field = (type: FormFieldInput["type"], extra: Partial<FormFieldInput> = {}): FormFieldInput => ({ id: "f", label: "Field", type, ...extra });

describe("cleanAnswer", () => {
  it("strips fences, prefixes and quotes", () => {
    expect(cleanAnswer("```\nhello\n```", "Greeting")).toBe("hello");
    expect(cleanAnswer('Answer: "Blue"', "Colour")).toBe("Blue");
    expect(cleanAnswer("Favourite colour: Blue", "Favourite colour*")).toBe("Blue");
    expect(cleanAnswer('He said "hi" to me', "X")).toBe('He said "hi" to me');
  });
});

describe("finaliseValue", () => {
  it("always returns one of the options for SELECT and RADIO, recording fuzzy choices", () => {
    const options = ["Remote", "Hybrid", "On-site"];
    expect(finaliseValue(field("SELECT", { options }), "hybrid")).toEqual({ ok: true, value: "Hybrid", notes: [] });
    const fuzzy = finaliseValue(field("RADIO", { options }), "onsite please");
    expect(fuzzy).toMatchObject({ ok: true, value: "On-site" });
    expect(fuzzy.ok && fuzzy.notes[0]).toContain("similar");
    for (const answer of ["", "¯\\_(ツ)_/¯", "I would rather work from the moon", "42"]) {
      const result = finaliseValue(field("SELECT", { options }), answer);
      expect(result.ok && options.includes(result.value)).toBe(true);
    }
  });

  it("prefers a decline option when the model gives no answer", () => {
    const result = finaliseValue(field("SELECT", { options: ["Male", "Female", "Prefer not to say"] }), "");
    expect(result).toMatchObject({ ok: true, value: "Prefer not to say" });
  });

  it("returns true/false for a single checkbox and a JSON subset for a checkbox group", () => {
    expect(finaliseValue(field("CHECKBOX"), "Yes")).toMatchObject({ value: "true" });
    expect(finaliseValue(field("CHECKBOX"), "No.")).toMatchObject({ value: "false" });
    expect(finaliseValue(field("CHECKBOX"), "it depends")).toMatchObject({ ok: false, code: "INVALID_ANSWER" });
    const options = ["TypeScript", "Go", "Rust"];
    expect(finaliseValue(field("CHECKBOX", { options }), '["rust","TypeScript","Cobol"]')).toMatchObject({
      value: '["TypeScript","Rust"]',
      notes: ['Ignored answers matching no option: ["Cobol"]'],
    });
    expect(finaliseValue(field("CHECKBOX", { options }), "- Go\n- Rust")).toMatchObject({ value: '["Go","Rust"]' });
    expect(finaliseValue(field("CHECKBOX", { options }), "None")).toMatchObject({ value: "[]" });
  });

  it("respects maxLength, cutting text at a word boundary", () => {
    const long = "I love building reliable systems that people enjoy using every day";
    const result = finaliseValue(field("TEXTAREA", { maxLength: 30 }), long);
    expect(result.ok && result.value).toBe("I love building reliable");
    expect(result.ok && result.value.length).toBeLessThanOrEqual(30);
    expect(result.ok && result.notes[0]).toContain("maxLength 30");
    expect(finaliseValue(field("TEXT"), "line one\nline two")).toMatchObject({ value: "line one line two" });
  });

  it("validates and normalises typed values", () => {
    expect(finaliseValue(field("EMAIL"), "ada@EXAMPLE.com")).toMatchObject({ ok: true, value: "ada@example.com" });
    expect(finaliseValue(field("EMAIL"), "not an email")).toMatchObject({ ok: false, code: "INVALID_ANSWER" });
    expect(finaliseValue(field("URL"), "ada.dev")).toMatchObject({ ok: true, value: "https://ada.dev" });
    expect(finaliseValue(field("PHONE"), "12")).toMatchObject({ ok: false, code: "INVALID_ANSWER" });
    expect(finaliseValue(field("NUMBER"), "7 years")).toMatchObject({ ok: true, value: "7" });
    expect(finaliseValue(field("DATE"), "June 5, 2025")).toMatchObject({ ok: true, value: "2025-06-05" });
    expect(finaliseValue(field("URL", { maxLength: 10 }), "https://example.com/long")).toMatchObject({ ok: false, code: "INVALID_ANSWER" });
  });

  it("fails a required field without an answer and leaves an optional one empty", () => {
    expect(finaliseValue(field("EMAIL", { required: true }), "")).toMatchObject({ ok: false, code: "NO_ANSWER" });
    expect(finaliseValue(field("TEXT"), "  ")).toMatchObject({ ok: true, value: "" });
  });
});
