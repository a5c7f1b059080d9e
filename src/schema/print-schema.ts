import { lexicographicSortSchema, printSchema } from "graphql";
import { schema } from "./index.ts";

/** The SDL committed as schema.graphql; a test compares the two. */
export function printSchemaSdl(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
