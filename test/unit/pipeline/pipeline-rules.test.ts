import { describe, expect, it } from "vitest";
import { documentProgress } from "../../../src/batches/batch-progress.ts";
import { planDependencies } from "../../../src/batches/dependency-plan.ts";
import { findUploadIssues } from "../../../src/batches/upload-validation.ts";
import { backoffDelayMs, classifyFailure } from "../../../src/pipeline/failure-classification.ts";
import { expandStages } from "../../../src/pipeline/stage-order.ts";
import { PdfError } from "../../../src/pdf/pdf-error.ts";
import { ProviderError } from "../../../src/providers/provider-types.ts";

describe("expandStages", () => {
  it("runs everything by default and adds what requested stages need, in order", () => {
    expect(expandStages(undefined)).toHaveLength(9);
    expect(expandStages(["CHUNK"])).toEqual(["VALIDATE", "EXTRACT", "PARSE", "CLEAN", "CHUNK"]);
    expect(expandStages(["RENDER"])).toEqual(["VALIDATE", "RENDER"]);
    expect(expandStages(["EMBED", "SUMMARIZE"])).toEqual(["VALIDATE", "EXTRACT", "PARSE", "CLEAN", "SUMMARIZE", "CHUNK", "EMBED"]);
  });
});

describe("planDependencies", () => {
  const docs = [
    { id: "a", filename: "a.pdf" },
    { id: "b", filename: "b.pdf" },
    { id: "c", filename: "c.pdf" },
  ];
  it("maps filenames to ids", () => {
    expect(planDependencies(docs, [{ filename: "c.pdf", dependsOn: ["a.pdf", "b.pdf"] }]).get("c")).toEqual(["a", "b"]);
  });
  it("rejects cycles, naming them", () => {
    expect(() =>
      planDependencies(docs, [
        { filename: "a.pdf", dependsOn: ["b.pdf"] },
        { filename: "b.pdf", dependsOn: ["c.pdf"] },
        { filename: "c.pdf", dependsOn: ["a.pdf"] },
      ]),
    ).toThrow(/cycle: a\.pdf -> b\.pdf -> c\.pdf -> a\.pdf/);
    expect(() => planDependencies(docs, [{ filename: "a.pdf", dependsOn: ["a.pdf"] }])).toThrow(/cycle/);
  });
  it("rejects unknown and ambiguous names", () => {
    expect(() => planDependencies(docs, [{ filename: "a.pdf", dependsOn: ["zzz.pdf"] }])).toThrow(/zzz\.pdf/);
    const twins = [...docs, { id: "a2", filename: "a.pdf" }];
    expect(() => planDependencies(twins, [{ filename: "b.pdf", dependsOn: ["a.pdf"] }])).toThrow(/unique filenames/);
  });
});

describe("findUploadIssues", () => {
  const file = (name: string, content: string | Uint8Array) => {
    const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
    return { name, size: bytes.byteLength, head: bytes.subarray(0, 8) };
  };
  it("lists every offending file and the count limit at once", () => {
    const issues = findUploadIssues(
      [file("ok.pdf", "%PDF-1.7 ..."), file("x.txt", "hello"), file("big.pdf", "%PDF-" + "x".repeat(200)), file("e.pdf", "")],
      { maxFiles: 3, maxFileBytes: 100 },
    );
    expect(issues.map((issue) => [issue.filename, issue.code])).toEqual([
      ["", "TOO_MANY_FILES"],
      ["x.txt", "NOT_A_PDF"],
      ["big.pdf", "FILE_TOO_LARGE"],
      ["e.pdf", "EMPTY_FILE"],
    ]);
  });
  it("accepts PDFs within limits", () => {
    expect(findUploadIssues([file("ok.pdf", "%PDF-1.4")], { maxFiles: 1, maxFileBytes: 100 })).toEqual([]);
  });
});

describe("documentProgress", () => {
  const checkpoint = (stage: string, status: string, pagesDone = 0, pagesTotal: number | null = null) =>
    ({ stage, status, pagesDone, pagesTotal }) as never;
  it("counts planned stages equally and page stages by their pages", () => {
    const progress = documentProgress("RUNNING", ["RENDER"], [checkpoint("VALIDATE", "COMPLETED"), checkpoint("RENDER", "RUNNING", 1, 4)]);
    expect(progress).toBeCloseTo((1 + 0.25) / 2);
    expect(documentProgress("FAILED", [], [])).toBe(1);
  });
});

describe("failure classification", () => {
  it("fails permanent PDF and provider errors at once and retries the rest", () => {
    expect(classifyFailure(new PdfError("PDF_ENCRYPTED", "locked"))).toMatchObject({ code: "PDF_ENCRYPTED", permanent: true });
    expect(classifyFailure(new PdfError("PAGE_TIMEOUT", "slow"))).toMatchObject({ permanent: false });
    expect(classifyFailure(new ProviderError("PROVIDER_AUTH_FAILED", "no"))).toMatchObject({ permanent: true });
    expect(classifyFailure(new ProviderError("PROVIDER_UNAVAILABLE", "503", { retryable: true }))).toMatchObject({ permanent: false });
    const unknown = classifyFailure(new Error("SELECT * FROM secrets"));
    expect(unknown.code).toBe("STAGE_FAILED");
    expect(unknown.message).not.toContain("SELECT");
  });
  it("backs off with full jitter, bounded", () => {
    for (let attempt = 1; attempt < 12; attempt++) {
      const delay = backoffDelayMs(attempt, 100, 5_000);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(5_000, 100 * 2 ** (attempt - 1)));
    }
  });
});
