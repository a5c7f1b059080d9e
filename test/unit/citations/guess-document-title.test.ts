import { describe, expect, it } from "vitest";
import { guessDocumentTitle } from "../../../src/citations/guess-document-title.ts";

describe("guessDocumentTitle", () => {
  it("takes the largest heading near the top of the first page", () => {
    const page = "## Smaller heading first\n\n# The Real Title of the Paper\n\nSome text.";
    expect(guessDocumentTitle(page)).toBe("The Real Title of the Paper");
  });

  it("skips journal banners and article-type labels", () => {
    const page = "# Journal of Cosmology and Astroparticle Physics\n\n# Research Article\n\n# Apparent and average accelerations";
    expect(guessDocumentTitle(page)).toBe("Apparent and average accelerations");
  });

  it("strips footnote marks and bold markers", () => {
    expect(guessDocumentTitle("# **Authoritative Sources in a Hyperlinked Environment**∗")).toBe(
      "Authoritative Sources in a Hyperlinked Environment",
    );
  });

  it("falls back to the first plausible line when there is no heading", () => {
    expect(guessDocumentTitle("12\n\nA Plain Title Line\nwith a second line\n\nBody.")).toBe("A Plain Title Line");
    expect(guessDocumentTitle("")).toBeUndefined();
  });
});
