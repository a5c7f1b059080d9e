import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";

/** A client or an interactive transaction: store functions work inside either. */
export type Db = PrismaClient | Prisma.TransactionClient;

export interface ApiKeyRow {
  id: string;
  userId: string;
  userName: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const rowSelect = {
  id: true,
  userId: true,
  name: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
  user: { select: { name: true } },
} as const;

type SelectedRow = Omit<ApiKeyRow, "userName"> & { user: { name: string } };

function toRow({ user, ...key }: SelectedRow): ApiKeyRow {
  return { ...key, userName: user.name };
}

export async function insertApiKey(
  db: Db,
  data: { userId: string; name: string; keyHash: string; prefix: string },
): Promise<ApiKeyRow> {
  return toRow(await db.apiKey.create({ data, select: rowSelect }));
}

/** Creates the user and its first key in one statement (Prisma nests both in a transaction). */
export async function insertUserWithApiKey(
  db: Db,
  data: { userName: string; name: string; keyHash: string; prefix: string },
): Promise<ApiKeyRow> {
  const { userName, ...key } = data;
  return toRow(await db.apiKey.create({ data: { ...key, user: { create: { name: userName } } }, select: rowSelect }));
}

export async function findApiKeyByHash(
  db: Db,
  keyHash: string,
): Promise<{ id: string; userId: string; lastUsedAt: Date | null; revokedAt: Date | null } | null> {
  return db.apiKey.findUnique({
    where: { keyHash },
    select: { id: true, userId: true, lastUsedAt: true, revokedAt: true },
  });
}

/** Sets lastUsedAt unless another request already did within `staleBefore`. */
export async function touchApiKey(db: Db, id: string, now: Date, staleBefore: Date): Promise<void> {
  await db.apiKey.updateMany({
    where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: staleBefore } }] },
    data: { lastUsedAt: now },
  });
}

export async function listApiKeyRows(db: Db, filter: { userId?: string } = {}): Promise<ApiKeyRow[]> {
  const rows = await db.apiKey.findMany({
    where: filter.userId ? { userId: filter.userId } : {},
    select: rowSelect,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return rows.map(toRow);
}

/** Marks the key revoked; null when there is no such key. Revoking twice keeps the first date. */
export async function revokeApiKeyRow(db: Db, id: string, now: Date): Promise<ApiKeyRow | null> {
  await db.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
  const row = await db.apiKey.findUnique({ where: { id }, select: rowSelect });
  return row ? toRow(row) : null;
}

export async function userExists(db: Db, userId: string): Promise<boolean> {
  return (await db.user.count({ where: { id: userId } })) > 0;
}

export async function anyUserExists(db: Db): Promise<boolean> {
  return (await db.user.findFirst({ select: { id: true } })) !== null;
}
