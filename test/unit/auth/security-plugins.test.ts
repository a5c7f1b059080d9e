import { GraphQLError } from "graphql";
import { createSchema, createYoga } from "graphql-yoga";
import { describe, expect, it } from "vitest";
import { graphqlHardeningPlugins, withoutSuggestion } from "../../../src/http/security-plugins.ts";

// A schema with an enum and an input object, which today's Quire schema does not have yet:
// their suggestions come from variable coercion at execution time, not from validation.
const yoga = createYoga({
  schema: createSchema({
    typeDefs: /* GraphQL */ `
      enum Colour { RED GREEN }
      input Paint { colour: Colour! }
      type Query { paint(colour: Colour, paint: Paint): String }
    `,
    resolvers: { Query: { paint: (_root: unknown, args: { colour?: string }) => args.colour ?? "none" } },
  }),
  plugins: graphqlHardeningPlugins({
    introspection: true,
    graphqlLimits: { maxDepth: 10, maxAliases: 15, maxDirectives: 50, maxTokens: 1000, maxCost: 5000 },
  }),
  logging: false,
});

async function run(query: string, variables?: Record<string, unknown>): Promise<{ errors?: { message: string }[] }> {
  const response = await yoga.fetch("http://yoga/graphql", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as never;
}

describe("hidden suggestions", () => {
  it("strips every form of graphql-js's hint", () => {
    const cases = [
      ['Cannot query field "paitn" on type "Query". Did you mean "paint"?', 'Cannot query field "paitn" on type "Query".'],
      ['Unknown argument "colr". Did you mean "colour", "paint", or "pain"?', 'Unknown argument "colr".'],
      ['Value "REDD" does not exist in "Colour" enum. Did you mean the enum value "RED"?', 'Value "REDD" does not exist in "Colour" enum.'],
    ];
    for (const [message, expected] of cases) expect(withoutSuggestion(new GraphQLError(message!)).message).toBe(expected);
    const untouched = new GraphQLError("No hint here.");
    expect(withoutSuggestion(untouched)).toBe(untouched);
  });

  it("hides them in validation errors and in variable coercion at execution", async () => {
    const results = [
      await run("{ paitn }"),
      await run("{ paint(colr: RED) }"),
      await run("{ paint(colour: REDD) }"),
      await run("query ($c: Colour) { paint(colour: $c) }", { c: "REDD" }),
      await run("query ($p: Paint) { paint(paint: $p) }", { p: { colur: "RED" } }),
    ];
    for (const result of results) {
      expect(result.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(result)).not.toMatch(/Did you mean/);
    }
    expect(await run("{ paint(colour: RED) }")).toEqual({ data: { paint: "RED" } });
  });
});
