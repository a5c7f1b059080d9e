import { builder } from "./builder.ts";
import "./health.ts";

/** The GraphQL schema of Quire, built from the type files imported above. */
export const schema = builder.toSchema({ sortSchema: true });
