import { describe, expect, it } from "vitest";
import { classifyField } from "../../../src/generation/field-classifier.ts";
import type { FormFieldInput } from "../../../src/generation/form-field-types.ts";
import { extractProfileFacts } from "../../../src/generation/profile-extractor.ts";

const facts = extractProfileFacts({
  name: "Ada Lovelace",
  email: "ada@example.com",
  phone: "+44 20 7946 0958",
  linkedin: "https://www.linkedin.com/in/ada",
  github: "ada",
  address: { city: "London", country: "United Kingdom", postalCode: "SW1Y 4JH" },
  availability: "March 3, 2025",
  birthDate: "1815-12-10",
  workAuthorization: true,
  noticePeriod: "4 weeks",
  yearsOfExperience: 9,
});

const field = (label: string, type: FormFieldInput["type"] = "TEXT", extra: Partial<FormFieldInput> = {}): FormFieldInput => ({ id: "f", label, type, ...extra });
const value = (f: FormFieldInput) => {
  const plan = classifyField(f, facts);
  return plan.path === "EXTRACTED" ? plan.value : plan.path;
};

describe("classifyField", () => {
  it.each([
    ["First name", "TEXT", "Ada"],
    ["Last Name *", "TEXT", "Lovelace"],
    ["Full legal name", "TEXT", "Ada Lovelace"],
    ["What is your email address?", "EMAIL", "ada@example.com"],
    ["Phone number", "PHONE", "+44 20 7946 0958"],
    ["LinkedIn profile", "URL", "https://www.linkedin.com/in/ada"],
    ["GitHub", "URL", "https://github.com/ada"],
    ["City", "TEXT", "London"],
    ["Postal code", "TEXT", "SW1Y 4JH"],
    ["Earliest start date", "DATE", "2025-03-03"],
    ["Date of birth", "DATE", "1815-12-10"],
    ["Years of experience", "NUMBER", "9"],
    ["Notice period", "TEXT", "4 weeks"],
    ["Contact", "EMAIL", "ada@example.com"],
  ] as const)("extracts %s (%s)", (label, type, expected) => {
    expect(value(field(label, type))).toBe(expected);
  });

  it("formats an extracted date as the hint asks", () => {
    expect(value(field("Date of birth", "DATE", { hint: "MM/DD/YYYY" }))).toBe("12/10/1815");
  });

  it.each([
    ["Why do you want to work here?", "TEXTAREA"],
    ["Describe a project you are proud of", "TEXTAREA"],
    ["Reference email", "EMAIL"],
    ["Emergency contact phone", "PHONE"],
    ["Mobile app experience", "TEXTAREA"],
    ["Twitter", "URL"],
    ["Will you require visa sponsorship?", "RADIO"],
    ["Salary expectation", "TEXT"],
  ] as const)("generates %s", (label, type) => {
    expect(value(field(label, type, type === "RADIO" ? { options: ["Yes", "No"] } : {}))).toBe("GENERATED");
  });

  it("picks the option matching the profile's country, whatever the spelling", () => {
    expect(value(field("Country", "SELECT", { options: ["France", "United Kingdom", "United States"] }))).toBe("United Kingdom");
    expect(value(field("Country", "SELECT", { options: ["USA", "UK"] }))).toBe("UK");
    expect(value(field("Country", "RADIO", { options: ["Germany", "Spain"] }))).toBe("GENERATED");
  });

  it("answers work authorization only when the profile states it", () => {
    const question = "Are you legally authorized to work in the United Kingdom?";
    expect(value(field(question, "RADIO", { options: ["Yes", "No"] }))).toBe("Yes");
    expect(value(field(question, "CHECKBOX"))).toBe("true");
    expect(value(field(question, "SELECT", { options: ["Citizen", "Visa holder"] }))).toBe("GENERATED");
    const silent = extractProfileFacts({ name: "Ada Lovelace" });
    expect(classifyField(field(question, "RADIO", { options: ["Yes", "No"] }), silent).path).toBe("GENERATED");
  });

  it("sends a field the profile cannot answer, or answers badly, to the model", () => {
    expect(value(field("Start date", "DATE"))).toBe("2025-03-03");
    const vague = extractProfileFacts({ availability: "Immediately" });
    expect(classifyField(field("Start date", "DATE"), vague).path).toBe("GENERATED");
    expect(value(field("Middle name"))).toBe("GENERATED");
  });

  it("respects maxLength on extracted text", () => {
    const plan = classifyField(field("Full name", "TEXT", { maxLength: 8 }), facts);
    expect(plan).toMatchObject({ path: "EXTRACTED", value: "Ada" });
  });
});
