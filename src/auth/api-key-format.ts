import { createHash, randomBytes } from "node:crypto";

/** Every Quire key starts with this, so leaked keys are easy to recognise and scan for. */
export const apiKeyPrefix = "qk_";

/** "qk_" + 32 random bytes in base64url (43 characters, no padding). */
const wellFormed = /^qk_[A-Za-z0-9_-]{43}$/;

/** Characters of the key kept as its display prefix ("qk_" + 6): enough to tell keys apart. */
const displayPrefixLength = apiKeyPrefix.length + 6;

export interface GeneratedApiKey {
  /** The secret, shown once and never stored. */
  key: string;
  /** Stored: what lists and logs may show. */
  prefix: string;
  /** Stored: the SHA-256 (hex) the key is looked up by. */
  keyHash: string;
}

/** A fresh random key with its stored parts. */
export function generateApiKey(): GeneratedApiKey {
  const key = `${apiKeyPrefix}${randomBytes(32).toString("base64url")}`;
  return { key, prefix: displayPrefixOf(key), keyHash: hashApiKey(key) };
}

/** SHA-256 hex of a key: keys are 256-bit random, so a fast unsalted hash is enough. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

export function displayPrefixOf(key: string): string {
  return key.slice(0, displayPrefixLength);
}

/** True when `token` has the shape of a Quire key (checked before any database lookup). */
export function isWellFormedApiKey(token: string): boolean {
  return wellFormed.test(token);
}

/**
 * The token of an `Authorization` value: "Bearer <token>" (scheme case-insensitive), or a bare
 * token, which graphql-ws clients often send in `connectionParams.authorization`.
 */
export function tokenFromAuthorization(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  const match = /^bearer\s+(\S+)$/i.exec(trimmed);
  if (match) return match[1];
  return /^\S+$/.test(trimmed) ? trimmed : undefined;
}
