import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  displayPrefixOf,
  generateApiKey,
  hashApiKey,
  isWellFormedApiKey,
  tokenFromAuthorization,
} from "../../../src/auth/api-key-format.ts";
import { firstStartBanner } from "../../../src/auth/first-start.ts";

describe("API key format", () => {
  it("generates qk_ + 32 random bytes in base64url, with a display prefix and a SHA-256", () => {
    const { key, prefix, keyHash } = generateApiKey();
    expect(key).toMatch(/^qk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(3), "base64url")).toHaveLength(32);
    expect(prefix).toBe(key.slice(0, 9));
    expect(displayPrefixOf(key)).toBe(prefix);
    expect(keyHash).toBe(createHash("sha256").update(key).digest("hex"));
    expect(hashApiKey(key)).toBe(keyHash);
    expect(generateApiKey().key).not.toBe(key);
  });

  it("recognises well-formed keys only", () => {
    expect(isWellFormedApiKey(generateApiKey().key)).toBe(true);
    expect(isWellFormedApiKey("qk_short")).toBe(false);
    expect(isWellFormedApiKey(`xx_${"a".repeat(43)}`)).toBe(false);
    expect(isWellFormedApiKey(`qk_${"a".repeat(42)}=`)).toBe(false);
    expect(isWellFormedApiKey(` qk_${"a".repeat(43)}`)).toBe(false);
  });

  it("reads the token of an Authorization value, with or without the Bearer scheme", () => {
    expect(tokenFromAuthorization("Bearer qk_abc")).toBe("qk_abc");
    expect(tokenFromAuthorization("bearer   qk_abc ")).toBe("qk_abc");
    expect(tokenFromAuthorization("qk_abc")).toBe("qk_abc");
    expect(tokenFromAuthorization("Basic dXNlcjpwYXNz")).toBeUndefined();
    expect(tokenFromAuthorization("Bearer")).toBe("Bearer");
    expect(tokenFromAuthorization("")).toBeUndefined();
    expect(tokenFromAuthorization(undefined)).toBeUndefined();
    expect(tokenFromAuthorization({ token: "qk_abc" })).toBeUndefined();
  });

  it("prints the first-start key in a box with how to use it", () => {
    const { key } = generateApiKey();
    const banner = firstStartBanner(key, "http://127.0.0.1:4000/graphql");
    const lines = banner.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^┌─+┐$/);
    expect(lines.at(-1)).toMatch(/^└─+┘$/);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    expect(banner).toContain(key);
    expect(banner).toContain(`"Authorization: Bearer <key>"`);
    expect(banner).toContain("http://127.0.0.1:4000/graphql");
    expect(banner).toContain("Dashboard: http://127.0.0.1:4000/ ");
    expect(banner).not.toContain("Headers tab");
  });
});
