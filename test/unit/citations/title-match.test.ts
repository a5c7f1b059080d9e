import { describe, expect, it } from "vitest";
import { findApproximate, squash, titleMatchScore } from "../../../src/citations/title-match.ts";

describe("squash", () => {
  it("keeps lower-cased letters and digits and remembers where they came from", () => {
    expect(squash("Café, TREC-3!")).toEqual({ chars: "cafetrec3", positions: [0, 1, 2, 3, 6, 7, 8, 9, 11] });
  });
});

describe("findApproximate", () => {
  it("finds the closest substring within the allowed edits", () => {
    expect(findApproximate("network", "the neetwork is up", 1)).toEqual({ start: 4, end: 12, edits: 1 });
    expect(findApproximate("network", "the netwrk is up", 0)).toBeUndefined();
  });
});

describe("titleMatchScore", () => {
  it("scores an exact, punctuation-bounded title 1", () => {
    expect(titleMatchScore("Okapi at TREC-3", "Robertson S E et al. Okapi at TREC-3. In: TREC.")).toBe(1);
  });

  it("allows a few edits in long titles", () => {
    const score = titleMatchScore(
      "Efficient crawling through URL ordering",
      "J. Cho. Efficent crawling through URL ordering. In WWW7, 1998.",
    );
    expect(score).toBeGreaterThan(0.9);
    expect(score).toBeLessThan(1);
  });

  it("rejects a title whose words continue in the reference", () => {
    expect(titleMatchScore("Open information extraction", "A. B. Open information extraction from the web. 2007.")).toBe(0);
    expect(titleMatchScore("Information extraction from the web", "A. B. Open information extraction from the web. 2007.")).toBe(0);
    expect(titleMatchScore("Open information extraction", "A. B. Open information extraction: a survey. 2007.")).toBe(0);
  });

  it("rejects titles too short to be told apart", () => {
    expect(titleMatchScore("Bitcoin", "Nakamoto. Bitcoin. 2008.")).toBe(0);
  });
});
