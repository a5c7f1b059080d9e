import { describe, expect, it } from "vitest";
import { parseGenerateBatchInput } from "../../../src/generation/form-batch-input.ts";
import { GenerationInputError } from "../../../src/generation/generation-input-error.ts";
import type { InputIssue } from "../../../src/generation/generation-input-error.ts";

function issuesOf(raw: unknown, limits = {}): InputIssue[] {
  try {
    parseGenerateBatchInput(raw, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(GenerationInputError);
    expect((error as GenerationInputError).code).toBe("BAD_USER_INPUT");
    return (error as GenerationInputError).issues;
  }
  throw new Error("expected a GenerationInputError");
}

const text = (id: string) => ({ id, label: `Label ${id}`, type: "TEXT" });

describe("parseGenerateBatchInput", () => {
  it("applies defaults", () => {
    const parsed = parseGenerateBatchInput({ fields: [text("a")] });
    expect(parsed).toEqual({ fields: [{ id: "a", label: "Label a", type: "TEXT" }], profile: {}, context: {}, maxParallel: 5 });
  });

  it("rejects an empty list", () => {
    expect(issuesOf({ fields: [] })).toEqual([{ path: ["fields"], message: "fields must contain at least one field" }]);
  });

  it("rejects more than maxFields", () => {
    const fields = Array.from({ length: 4 }, (_, i) => text(`f${i}`));
    expect(issuesOf({ fields }, { maxFields: 3 })[0]?.message).toBe("fields may contain at most 3 fields");
    expect(issuesOf({ fields: Array.from({ length: 201 }, (_, i) => text(`f${i}`)) })[0]?.message).toContain("at most 200");
  });

  it("names duplicate ids", () => {
    const issues = issuesOf({ fields: [text("a"), text("b"), text("a")] });
    expect(issues).toEqual([{ path: ["fields", 2, "id"], message: 'Field "a": duplicate id (also used by fields[0])' }]);
  });

  it("names an unknown type and lists the valid ones", () => {
    const [issue] = issuesOf({ fields: [{ id: "x", label: "X", type: "COLOR" }] });
    expect(issue?.path).toEqual(["fields", 0, "type"]);
    expect(issue?.message).toMatch(/^Field "x": unknown type "COLOR"; expected one of TEXT, TEXTAREA/);
  });

  it.each(["SELECT", "RADIO"])("requires options for %s", (type) => {
    expect(issuesOf({ fields: [{ id: "c", label: "Country", type }] })).toEqual([
      { path: ["fields", 0, "options"], message: `Field "c": ${type} fields need at least one option` },
    ]);
    expect(issuesOf({ fields: [{ id: "c", label: "Country", type, options: [] }] })[0]?.message).toContain("at least one option");
  });

  it("rejects a CHECKBOX with an empty options list but accepts one without options", () => {
    expect(issuesOf({ fields: [{ id: "t", label: "Terms", type: "CHECKBOX", options: [] }] })[0]?.message).toContain("CHECKBOX options must not be empty");
    expect(parseGenerateBatchInput({ fields: [{ id: "t", label: "Terms", type: "CHECKBOX" }] }).fields[0]?.type).toBe("CHECKBOX");
  });

  it("rejects maxLength <= 0 and non-integers", () => {
    expect(issuesOf({ fields: [{ ...text("a"), maxLength: 0 }] })[0]).toEqual({
      path: ["fields", 0, "maxLength"],
      message: 'Field "a": maxLength must be greater than 0',
    });
    expect(issuesOf({ fields: [{ ...text("a"), maxLength: -5 }] })[0]?.message).toContain("greater than 0");
    expect(issuesOf({ fields: [{ ...text("a"), maxLength: 2.5 }] })[0]?.message).toContain("whole number");
  });

  it("rejects options on non-choice fields, maxLength on choice fields, blank and duplicate options", () => {
    expect(issuesOf({ fields: [{ ...text("a"), options: ["x"] }] })[0]?.message).toBe('Field "a": options do not apply to TEXT fields');
    expect(issuesOf({ fields: [{ id: "s", label: "S", type: "SELECT", options: ["x"], maxLength: 3 }] })[0]?.message).toContain("maxLength does not apply");
    expect(issuesOf({ fields: [{ id: "s", label: "S", type: "SELECT", options: ["x", " "] }] })[0]?.message).toContain("empty strings");
    expect(issuesOf({ fields: [{ id: "s", label: "S", type: "SELECT", options: ["x", "x"] }] })[0]?.message).toContain('"x" is listed twice');
  });

  it("rejects empty ids and labels, naming the field by index when it has no id", () => {
    const issues = issuesOf({ fields: [{ id: " ", label: "", type: "TEXT" }] });
    expect(issues.map((issue) => issue.message)).toEqual(["fields[0]: id must not be empty", "fields[0]: label must not be empty"]);
  });

  it("rejects maxParallel outside 1..50", () => {
    expect(issuesOf({ fields: [text("a")], maxParallel: 0 })[0]).toEqual({ path: ["maxParallel"], message: "maxParallel must be at least 1" });
    expect(issuesOf({ fields: [text("a")], maxParallel: 51 })[0]?.message).toBe("maxParallel must be at most 50");
  });

  it("rejects a non-object or oversized profile", () => {
    expect(issuesOf({ fields: [text("a")], profile: "me" })[0]?.message).toBe("profile must be a JSON object");
    expect(issuesOf({ fields: [text("a")], profile: { bio: "x".repeat(200) } }, { maxProfileChars: 100 })[0]?.message).toContain("larger than 100");
  });

  it("reports every problem at once", () => {
    const issues = issuesOf({ fields: [{ id: "a", label: "A", type: "SELECT" }, { id: "a", label: "B", type: "NOPE" }], maxParallel: 99 });
    expect(issues.length).toBe(4);
  });
});
