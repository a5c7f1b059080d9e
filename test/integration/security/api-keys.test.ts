import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "../../../src/auth/api-key-format.ts";
import {
  ApiKeyInputError,
  authenticate,
  createApiKey,
  lastUsedResolutionMs,
  listApiKeys,
  revokeApiKey,
} from "../../../src/auth/api-key-service.ts";
import { createOwnerKeyIfNoUser } from "../../../src/auth/first-start.ts";
import { createPrismaClient, type PrismaClient } from "../../../src/db/prisma-client.ts";
import { createTestUserWithKey } from "../../helpers/auth.ts";
import { createTestPrisma } from "../../helpers/test-database.ts";

const root = fileURLToPath(new URL("../../..", import.meta.url));

describe("API key service", () => {
  let db: Awaited<ReturnType<typeof createTestPrisma>>;
  let prisma: PrismaClient;
  beforeAll(async () => {
    db = await createTestPrisma();
    prisma = db.prisma;
  });
  afterAll(async () => {
    await db.close();
  });

  it("creates a user with a key and stores only the hash and the prefix", async () => {
    const created = await createApiKey(prisma, { userName: "ada", name: "laptop" });
    expect(created.key).toMatch(/^qk_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.key.slice(0, 9));
    const row = await prisma.apiKey.findUniqueOrThrow({ where: { id: created.id }, include: { user: true } });
    expect(row).toMatchObject({ keyHash: hashApiKey(created.key), prefix: created.prefix, name: "laptop", userId: created.userId });
    expect(row.user.name).toBe("ada");
    expect(JSON.stringify(row)).not.toContain(created.key);
  });

  it("adds keys to an existing user and refuses unknown users or ambiguous input", async () => {
    const first = await createApiKey(prisma, { userName: "grace", name: "one" });
    const second = await createApiKey(prisma, { userId: first.userId, name: "two" });
    expect(second.userId).toBe(first.userId);
    expect(second.key).not.toBe(first.key);
    await expect(createApiKey(prisma, { userId: "00000000-0000-4000-8000-000000000000", name: "x" })).rejects.toThrow(ApiKeyInputError);
    await expect(createApiKey(prisma, { userId: "not-a-uuid", name: "x" })).rejects.toThrow(ApiKeyInputError);
    await expect(createApiKey(prisma, { name: "nobody" })).rejects.toThrow(ApiKeyInputError);
    await expect(createApiKey(prisma, { userId: first.userId, userName: "both", name: "x" })).rejects.toThrow(ApiKeyInputError);
    await expect(createApiKey(prisma, { userName: "blank", name: " " })).rejects.toThrow(ApiKeyInputError);
  });

  it("authenticates valid keys only and revokes at once", async () => {
    const { key, userId, apiKeyId } = await createTestUserWithKey(prisma);
    expect(await authenticate(prisma, key)).toEqual({ userId, apiKeyId });
    expect(await authenticate(prisma, `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`)).toBeNull();
    expect(await authenticate(prisma, "qk_short")).toBeNull();
    expect(await authenticate(prisma, "")).toBeNull();
    expect(await authenticate(prisma, undefined)).toBeNull();

    const revoked = await revokeApiKey(prisma, apiKeyId);
    expect(revoked?.revokedAt).toBeInstanceOf(Date);
    expect(await authenticate(prisma, key)).toBeNull();
    // Revoking again keeps the first date; unknown ids answer null; junk ids are refused.
    expect((await revokeApiKey(prisma, apiKeyId))?.revokedAt).toEqual(revoked?.revokedAt);
    expect(await revokeApiKey(prisma, "00000000-0000-4000-8000-000000000000")).toBeNull();
    await expect(revokeApiKey(prisma, "1; DROP TABLE users")).rejects.toThrow(ApiKeyInputError);
  });

  it("writes lastUsedAt at most once a minute", async () => {
    const { key, apiKeyId } = await createTestUserWithKey(prisma);
    const lastUsed = async () => (await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKeyId } })).lastUsedAt;
    expect(await lastUsed()).toBeNull();
    const t0 = new Date("2030-01-01T00:00:00Z");
    await authenticate(prisma, key, t0);
    expect(await lastUsed()).toEqual(t0);
    await authenticate(prisma, key, new Date(t0.getTime() + lastUsedResolutionMs - 1000));
    expect(await lastUsed()).toEqual(t0);
    const later = new Date(t0.getTime() + lastUsedResolutionMs + 1000);
    await authenticate(prisma, key, later);
    expect(await lastUsed()).toEqual(later);
  });

  it("lists keys without secrets", async () => {
    const { key, apiKeyId, userId } = await createTestUserWithKey(prisma, "listed");
    const all = await listApiKeys(prisma);
    expect(all.find((row) => row.id === apiKeyId)).toMatchObject({ userId, userName: "listed", name: "test", revokedAt: null });
    expect(JSON.stringify(all)).not.toContain(key);
    expect(JSON.stringify(all)).not.toMatch(/keyHash/);
    expect(await listApiKeys(prisma, { userId })).toHaveLength(1);
  });
});

describe("first start", () => {
  it("creates one owner with one key on an empty database, even when two processes race", async () => {
    const db = await createTestPrisma();
    const second = createPrismaClient(db.url, { poolSize: 2 });
    try {
      const results = await Promise.all([createOwnerKeyIfNoUser(db.prisma), createOwnerKeyIfNoUser(second)]);
      const created = results.filter((result) => result !== null);
      expect(created).toHaveLength(1);
      expect(await db.prisma.user.findMany({ select: { name: true } })).toEqual([{ name: "owner" }]);
      expect(await authenticate(db.prisma, created[0]!.key)).toMatchObject({ userId: created[0]!.userId });
      expect(await createOwnerKeyIfNoUser(db.prisma)).toBeNull();
    } finally {
      await second.$disconnect();
      await db.close();
    }
  });
});

describe("npm run keys", () => {
  let db: Awaited<ReturnType<typeof createTestPrisma>>;
  const keys = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ["scripts/keys.ts", ...args], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: "silent" },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  beforeAll(async () => {
    db = await createTestPrisma();
  });
  afterAll(async () => {
    await db.close();
  });

  it("creates (printing the key once), lists and revokes keys", async () => {
    const created = await keys("create", "ci-bot");
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^qk_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).not.toContain(key);
    const viewer = await authenticate(db.prisma, key);
    expect(viewer).not.toBeNull();

    const another = await keys("create", "rotation", "--user", viewer!.userId);
    expect(another.code).toBe(0);
    expect((await authenticate(db.prisma, another.stdout.trim()))?.userId).toBe(viewer!.userId);

    const listed = await keys("list");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(viewer!.apiKeyId);
    expect(listed.stdout).toContain(key.slice(0, 9));
    expect(listed.stdout).toContain("ci-bot");
    expect(listed.stdout).not.toContain(key);

    const revoked = await keys("revoke", viewer!.apiKeyId);
    expect(revoked.code).toBe(0);
    expect(await authenticate(db.prisma, key)).toBeNull();

    expect((await keys("revoke", "00000000-0000-4000-8000-000000000000")).code).toBe(1);
    expect((await keys("revoke", "nope")).code).toBe(1);
    expect((await keys("frobnicate")).code).toBe(2);
    expect((await keys("create")).code).toBe(2);
  });
});
