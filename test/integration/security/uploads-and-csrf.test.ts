import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUserWithKey, type TestUserWithKey } from "../../helpers/auth.ts";
import { startTestApp, type TestApp } from "../../helpers/test-app.ts";

const healthQuery = "{ health { status } }";

describe("multipart uploads and CSRF prevention", () => {
  let testApp: TestApp;
  let user: TestUserWithKey;
  let url: string;
  beforeAll(async () => {
    testApp = await startTestApp({ listen: true, env: { QUIRE_MAX_FILES: "2", QUIRE_MAX_FILE_MB: "1" } });
    user = await createTestUserWithKey(testApp.app.services().db.prisma);
    url = `http://127.0.0.1:${testApp.app.address()!.port}/graphql`;
  });
  afterAll(async () => {
    await testApp.close();
  });

  /** A GraphQL multipart request (operations, map, files) as a browser form would send it. */
  function multipart(options: { files?: number[]; map?: Record<string, string[]> | string; variables?: Record<string, unknown> } = {}): FormData {
    const files = options.files ?? [10];
    const form = new FormData();
    form.set("operations", JSON.stringify({ query: healthQuery, variables: options.variables ?? { files: files.map(() => null) } }));
    const map = options.map ?? Object.fromEntries(files.map((_, index) => [String(index), [`variables.files.${index}`]]));
    form.set("map", typeof map === "string" ? map : JSON.stringify(map));
    files.forEach((size, index) => form.set(String(index), new Blob([new Uint8Array(size)], { type: "application/pdf" }), `f${index}.pdf`));
    return form;
  }

  async function post(body: FormData | string, headers: Record<string, string> = {}) {
    const response = await fetch(url, { method: "POST", headers: { ...user.headers, ...headers }, body });
    return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
  }

  it("refuses multipart requests without a CSRF header, before reading them", async () => {
    const refused = await post(multipart());
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe("CSRF_HEADER_REQUIRED");
    for (const header of ["x-graphql-csrf", "apollo-require-preflight", "x-graphql-yoga-csrf"]) {
      const accepted = await post(multipart(), { [header]: "1" });
      expect(accepted, header).toEqual({ status: 200, body: { data: { health: { status: "ok" } } } });
    }
  });

  it("refuses other simple requests (GET, text/plain) without the header and accepts JSON", async () => {
    const get = (headers: Record<string, string>) =>
      fetch(`${url}?query=${encodeURIComponent(healthQuery)}`, { headers: { accept: "application/json", ...headers } });
    expect((await get({})).status).toBe(403);
    expect((await get({ "x-graphql-csrf": "1" })).status).toBe(200);
    expect((await post(JSON.stringify({ query: healthQuery }), { "content-type": "text/plain" })).status).toBe(403);
    expect((await post(JSON.stringify({ query: healthQuery }), { "content-type": "application/json" })).status).toBe(200);
  });

  it("answers 413 for a file over QUIRE_MAX_FILE_MB", async () => {
    const result = await post(multipart({ files: [1024 * 1024 + 1] }), { "x-graphql-csrf": "1" });
    expect(result.status).toBe(413);
    expect(result.body.errors?.[0]?.extensions?.code).toBe("INVALID_UPLOAD");
    expect((await post(multipart({ files: [1024 * 1024] }), { "x-graphql-csrf": "1" })).status).toBe(200);
  });

  it("answers 400 for more files than QUIRE_MAX_FILES", async () => {
    const result = await post(multipart({ files: [1, 1, 1] }), { "x-graphql-csrf": "1" });
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.message).toMatch(/Files limit exceeded/);
    expect((await post(multipart({ files: [1, 1] }), { "x-graphql-csrf": "1" })).status).toBe(200);
  });

  it("ignores a map that points at __proto__ or constructor.prototype", async () => {
    const maps = [
      { "0": ["__proto__.polluted"] },
      { "0": ["variables.__proto__.polluted"] },
      { "0": ["variables.files.constructor.prototype.polluted"] },
      { "0": ["constructor.prototype.polluted"] },
      // Raw JSON: an object literal's __proto__ would set the prototype instead of a key.
      '{"__proto__": ["variables.files.0"], "0": ["variables.__proto__"]}',
    ];
    for (const map of maps) {
      const result = await post(multipart({ files: [4], map }), { "x-graphql-csrf": "1" });
      expect([200, 400]).toContain(result.status);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty("polluted");
      expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
    }
  });
});
