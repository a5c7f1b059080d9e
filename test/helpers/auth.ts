import { randomBytes } from "node:crypto";
import { createApiKey } from "../../src/auth/api-key-service.ts";
import type { PrismaClient } from "../../src/db/prisma-client.ts";

export interface TestUserWithKey {
  userId: string;
  apiKeyId: string;
  /** The secret key ("qk_..."). */
  key: string;
  /** HTTP/SSE headers: pass to testApp.graphql(query, variables, headers) or fetch. */
  headers: { authorization: string };
  /** graphql-ws: `createClient({ connectionParams })`. */
  connectionParams: { authorization: string };
}

/**
 * A new user with one API key, straight through the key service. Use the app's client
 * (`testApp.app.services().db.prisma`) or any client on the test database.
 */
export async function createTestUserWithKey(prisma: PrismaClient, name = `test-user-${randomBytes(3).toString("hex")}`): Promise<TestUserWithKey> {
  const created = await createApiKey(prisma, { userName: name, name: "test" });
  const authorization = `Bearer ${created.key}`;
  return {
    userId: created.userId,
    apiKeyId: created.id,
    key: created.key,
    headers: { authorization },
    connectionParams: { authorization },
  };
}
