import { z } from "zod";
import type { Viewer } from "../schema/context.ts";
import { generateApiKey, hashApiKey, isWellFormedApiKey } from "./api-key-format.ts";
import {
  findApiKeyByHash,
  insertApiKey,
  insertUserWithApiKey,
  listApiKeyRows,
  revokeApiKeyRow,
  touchApiKey,
  userExists,
  type ApiKeyRow,
  type Db,
} from "./api-key-store.ts";

export type { ApiKeyRow } from "./api-key-store.ts";

/** lastUsedAt is written at most this often per key, so authentication stays a single read. */
export const lastUsedResolutionMs = 60_000;

/** A rule of the key service was broken (unknown user, bad id, missing name); safe to show. */
export class ApiKeyInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ApiKeyInputError";
  }
}

export interface CreatedApiKey {
  id: string;
  /** The secret: returned once, only its SHA-256 is stored. */
  key: string;
  prefix: string;
  userId: string;
}

const createInput = z
  .object({
    userId: z.uuid().optional(),
    userName: z.string().trim().min(1).max(200).optional(),
    name: z.string().trim().min(1).max(200),
  })
  .refine((input) => Boolean(input.userId) !== Boolean(input.userName), "give exactly one of userId and userName");

/**
 * Creates a key for an existing user (`userId`) or for a new user named `userName`.
 * The key is returned once; only its hash and display prefix are stored.
 */
export async function createApiKey(
  db: Db,
  input: { userId?: string; userName?: string; name: string },
): Promise<CreatedApiKey> {
  const parsed = createInput.safeParse(input);
  if (!parsed.success) throw new ApiKeyInputError(parsed.error.issues.map((issue) => issue.message).join("; "));
  const { userId, userName, name } = parsed.data;
  const { key, prefix, keyHash } = generateApiKey();
  let row: ApiKeyRow;
  if (userId) {
    if (!(await userExists(db, userId))) throw new ApiKeyInputError(`no user with id ${userId}`);
    row = await insertApiKey(db, { userId, name, keyHash, prefix });
  } else {
    row = await insertUserWithApiKey(db, { userName: userName!, name, keyHash, prefix });
  }
  return { id: row.id, key, prefix: row.prefix, userId: row.userId };
}

/** Every key (or one user's), oldest first, without secrets. */
export async function listApiKeys(db: Db, filter: { userId?: string } = {}): Promise<ApiKeyRow[]> {
  return listApiKeyRows(db, filter);
}

/** Revokes a key by id; it stops working at once. Null when there is no such key. */
export async function revokeApiKey(db: Db, id: string, now = new Date()): Promise<ApiKeyRow | null> {
  if (!z.uuid().safeParse(id).success) throw new ApiKeyInputError(`"${id}" is not a key id (a UUID)`);
  return revokeApiKeyRow(db, id, now);
}

/**
 * The viewer a bearer token stands for, or null (malformed, unknown or revoked key). The key
 * is looked up by its SHA-256, so no secret comparison happens in JavaScript.
 */
export async function authenticate(db: Db, bearerToken: string | null | undefined, now = new Date()): Promise<Viewer | null> {
  if (!bearerToken || !isWellFormedApiKey(bearerToken)) return null;
  const key = await findApiKeyByHash(db, hashApiKey(bearerToken));
  if (!key || key.revokedAt) return null;
  const staleBefore = new Date(now.getTime() - lastUsedResolutionMs);
  if (!key.lastUsedAt || key.lastUsedAt < staleBefore) await touchApiKey(db, key.id, now, staleBefore);
  return { userId: key.userId, apiKeyId: key.id };
}
