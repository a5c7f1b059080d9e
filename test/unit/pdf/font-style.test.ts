import { describe, expect, it } from "vitest";
import { isBoldFont, stripSubsetTag } from "../../../src/pdf/font-style.ts";

describe("font style", () => {
  it("strips the subset tag only", () => {
    expect(stripSubsetTag("TACTGM+NimbusRomNo9L-Medi")).toBe("NimbusRomNo9L-Medi");
    expect(stripSubsetTag("Helvetica-Bold")).toBe("Helvetica-Bold");
  });

  it.each([
    ["Helvetica-Bold", true],
    ["ABCDEF+Arial-BoldMT", true],
    ["NimbusRomNo9L-Medi", true],
    ["NimbusRomNo9L-MediItal", true],
    ["CMBX10", true],
    ["Roboto-Medium", false],
    ["NimbusRomNo9L-Regu", false],
    ["CMR10", false],
  ])("%s bold: %s", (name, bold) => {
    expect(isBoldFont(name, undefined)).toBe(bold);
  });

  it("trusts pdf.js's flag for substituted fonts", () => {
    expect(isBoldFont("F1", true)).toBe(true);
  });
});
