import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { printSchemaSdl } from "../src/schema/print-schema.ts";

const target = fileURLToPath(new URL("../schema.graphql", import.meta.url));
await writeFile(target, printSchemaSdl());
console.log("Wrote schema.graphql");
