import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../src/config.ts";

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 4000,
      databaseUrl: undefined,
      dataDir: "./.quire",
      role: "all",
      introspection: true,
    });
  });

  it("names every invalid variable at once", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "eighty", QUIRE_ROLE: "boss", DATABASE_URL: "mysql://x" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain("PORT");
    expect(message).toContain("QUIRE_ROLE");
    expect(message).toContain("DATABASE_URL");
    expect((error as ConfigError).issues).toHaveLength(3);
  });

  it("treats empty strings as unset and turns introspection off in production", () => {
    const config = loadConfig({ DATABASE_URL: "", NODE_ENV: "production" });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: "production", QUIRE_INTROSPECTION: "true" }).introspection).toBe(true);
  });
});

describe("the README", () => {
  it("documents every environment variable Quire reads", async () => {
    const { readFile } = await import("node:fs/promises");
    const { ENV_VARIABLES } = await import("../../../src/config.ts");
    const readme = await readFile(new URL("../../../README.md", import.meta.url), "utf8");
    const missing = ENV_VARIABLES.filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
