import { describe, expect, it } from "vitest";
import { diceSimilarity, findOption, matchOption } from "../../../src/generation/option-matcher.ts";

describe("option matching", () => {
  const degrees = ["High school", "Bachelor's degree", "Master's degree", "PhD"];

  it("matches exactly, then normalised", () => {
    expect(findOption("PhD", degrees)).toMatchObject({ option: "PhD", method: "exact" });
    expect(findOption("  master’s DEGREE. ", degrees)).toMatchObject({ option: "Master's degree", method: "normalised" });
  });

  it("finds an option named inside a sentence, preferring the longest", () => {
    expect(findOption("No, I do not require sponsorship", ["Yes", "No"])).toMatchObject({ option: "No", method: "contained" });
    expect(findOption("I'm not sure", ["Yes", "No", "Not sure"])?.option).toBe("Not sure");
    expect(findOption("Yes, but only later", ["Yes", "Yes, but only later"])?.option).toBe("Yes, but only later");
  });

  it("finds the single option containing a short answer", () => {
    expect(findOption("Bachelor's", degrees)?.option).toBe("Bachelor's degree");
    expect(findOption("degree", degrees)).toBeNull();
  });

  it("always returns an option, recording a similarity match", () => {
    const match = matchOption("Mastr degre", degrees);
    expect(match).toMatchObject({ option: "Master's degree", method: "similarity" });
    expect(match.score).toBeGreaterThan(0);
    expect(degrees).toContain(matchOption("something else entirely", degrees).option);
  });

  it("computes the Dice coefficient", () => {
    expect(diceSimilarity("night", "nacht")).toBeCloseTo(0.25);
    expect(diceSimilarity("same", "SAME")).toBe(1);
    expect(diceSimilarity("a", "b")).toBe(0);
  });
});
