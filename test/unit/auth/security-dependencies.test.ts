import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);

function versionOf(packageName: string): number[] {
  const { version } = require(`${packageName}/package.json`) as { version: string };
  return version.split(/[.-]/).slice(0, 3).map(Number);
}

function atLeast(actual: number[], minimum: number[]): boolean {
  for (let index = 0; index < minimum.length; index++) {
    if ((actual[index] ?? 0) !== minimum[index]) return (actual[index] ?? 0) > minimum[index]!;
  }
  return true;
}

describe("security-relevant dependency versions", () => {
  it("ws is past the CVE-2024-37890 fix (8.17.1: DoS through many HTTP headers)", () => {
    const version = versionOf("ws");
    expect(version[0]).toBe(8);
    expect(atLeast(version, [8, 17, 1])).toBe(true);
  });

  it("graphql-ws is the major whose close codes the tests assert (6)", () => {
    expect(versionOf("graphql-ws")[0]).toBe(6);
  });
});
