import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { generateApiKey } from "../../../src/auth/api-key-format.ts";
import { createLogger } from "../../../src/logging/logger.ts";

describe("log redaction", () => {
  it("blanks keys wherever requests, headers and connectionParams carry them", () => {
    let written = "";
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.toString();
        callback();
      },
    });
    const logger = createLogger("trace", destination);
    const { key } = generateApiKey();
    const bearer = `Bearer ${key}`;
    logger.info({ authorization: bearer }, "top level");
    logger.info({ headers: { authorization: bearer } }, "headers");
    logger.info({ req: { headers: { authorization: bearer } } }, "req");
    logger.info({ request: { headers: { authorization: bearer } } }, "request");
    logger.info({ upgrade: { headers: { authorization: bearer } } }, "nested headers");
    logger.info({ connectionParams: { authorization: bearer } }, "graphql-ws");
    logger.info({ ctx: { connectionParams: { authorization: key } } }, "graphql-ws context");
    logger.info({ token: key, apiKey: key, auth: { token: key } }, "tokens");
    logger.child({ requestId: "r1" }).debug({ params: { authorization: bearer } }, "child");
    expect(written.split("\n").filter(Boolean)).toHaveLength(9);
    expect(written).not.toContain(key);
    expect(written).toContain("[redacted]");
  });
});
