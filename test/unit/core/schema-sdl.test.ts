import { readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import { printSchemaSdl } from "../../../src/schema/print-schema.ts";

it("schema.graphql is the printed SDL of the Pothos schema (run `npm run schema:print`)", async () => {
  const committed = await readFile(new URL("../../../schema.graphql", import.meta.url), "utf8");
  expect(committed).toBe(printSchemaSdl());
});
