import SchemaBuilder from "@pothos/core";
import ErrorsPlugin from "@pothos/plugin-errors";
import RelayPlugin from "@pothos/plugin-relay";
import type { StagedUpload } from "../uploads/staged-upload.ts";
import type { GraphQLContext } from "./context.ts";
import { DateTimeScalar, JSONScalar } from "./scalars.ts";

/**
 * The one Pothos builder. Type files import it and register their types and root fields;
 * schema/index.ts imports the type files and builds the schema.
 */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
    /** Stored while the request streamed in (src/http/security-multipart.ts). */
    File: { Input: StagedUpload; Output: never };
    ID: { Input: string; Output: string };
  };
}>({
  plugins: [ErrorsPlugin, RelayPlugin],
  defaultFieldNullability: false,
  relay: { clientMutationId: "omit", cursorType: "String" },
  errors: { defaultTypes: [] },
});

builder.addScalarType("DateTime", DateTimeScalar);
builder.addScalarType("JSON", JSONScalar);
builder.scalarType("File", {
  description: "A file sent with the GraphQL multipart request spec.",
  serialize: () => {
    throw new Error("File is an input-only scalar");
  },
});

builder.queryType({});
// The Mutation root lives in mutation-type.ts (GraphQL rejects an empty Mutation type).
builder.subscriptionType({});
