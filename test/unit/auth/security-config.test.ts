import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../src/config.ts";

describe("security configuration", () => {
  it("has the documented defaults", () => {
    expect(loadConfig({})).toMatchObject({
      bootstrapKey: true,
      userRequestsPerMinute: 600,
      maxConcurrentBatchesPerUser: 5,
      maxFiles: 50,
      maxFileBytes: 50 * 1024 * 1024,
      graphqlLimits: { maxDepth: 10, maxAliases: 15, maxDirectives: 50, maxTokens: 1000, maxCost: 5000 },
      wsInitTimeoutMs: 3000,
      wsMaxSubscriptions: 50,
      wsMaxMessageBytes: 1024 * 1024,
    });
  });

  it("creates no first-start key under NODE_ENV=test unless asked to", () => {
    expect(loadConfig({ NODE_ENV: "test" }).bootstrapKey).toBe(false);
    expect(loadConfig({ NODE_ENV: "test", QUIRE_BOOTSTRAP_KEY: "true" }).bootstrapKey).toBe(true);
    expect(loadConfig({ NODE_ENV: "production", QUIRE_BOOTSTRAP_KEY: "no" }).bootstrapKey).toBe(false);
  });

  it("reads the limits and refuses nonsense", () => {
    const config = loadConfig({ QUIRE_USER_RPM: "30", QUIRE_MAX_FILE_MB: "2", QUIRE_GRAPHQL_MAX_DEPTH: "4", QUIRE_WS_MAX_SUBSCRIPTIONS: "7" });
    expect(config).toMatchObject({ userRequestsPerMinute: 30, maxFileBytes: 2 * 1024 * 1024, wsMaxSubscriptions: 7 });
    expect(config.graphqlLimits.maxDepth).toBe(4);
    expect(() => loadConfig({ QUIRE_USER_RPM: "0", QUIRE_MAX_FILES: "-1", QUIRE_WS_INIT_TIMEOUT_MS: "soon" })).toThrow(ConfigError);
    try {
      loadConfig({ QUIRE_USER_RPM: "0", QUIRE_MAX_FILES: "-1", QUIRE_WS_INIT_TIMEOUT_MS: "soon" });
    } catch (error) {
      expect((error as ConfigError).issues).toHaveLength(3);
    }
  });
});
