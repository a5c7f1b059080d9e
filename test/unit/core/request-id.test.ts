import { expect, it } from "vitest";
import { requestIdFrom } from "../../../src/http/request-id.ts";

it("keeps a sane caller request id and replaces anything else", () => {
  expect(requestIdFrom("frontend-42.a:b")).toBe("frontend-42.a:b");
  const replaced = requestIdFrom("bad id\nwith newline");
  expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
  expect(requestIdFrom(undefined)).not.toBe(requestIdFrom(undefined));
});
