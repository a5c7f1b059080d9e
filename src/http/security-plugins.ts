import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ExecutionResult } from "graphql";
import { handleStreamOrSingleExecutionResult, type Plugin } from "graphql-yoga";
import type { Config } from "../config.ts";

/**
 * The envelop plugins that harden every operation. They run inside Yoga's pipeline, which
 * graphql-ws shares through `yoga.getEnveloped`, so HTTP, SSE and WebSocket get the same
 * limits, the same hidden suggestions and the same introspection policy.
 */
export function graphqlHardeningPlugins(config: Pick<Config, "graphqlLimits" | "introspection">): Plugin[] {
  const limits = config.graphqlLimits;
  return [
    EnvelopArmorPlugin({
      // Replaced by hideSuggestionsPlugin, which also covers execution-time messages.
      blockFieldSuggestion: { enabled: false },
      maxDepth: { n: limits.maxDepth },
      maxAliases: { n: limits.maxAliases },
      maxDirectives: { n: limits.maxDirectives },
      maxTokens: { n: limits.maxTokens },
      costLimit: { maxCost: limits.maxCost },
    }),
    hideSuggestionsPlugin(),
    ...(config.introspection ? [] : [disableIntrospectionPlugin()]),
  ];
}

const suggestion = /\s*Did you mean [^?]*\?/g;

/** The error without graphql-js's "Did you mean ...?" hint, which leaks schema names. */
export function withoutSuggestion<E extends Error>(error: E): E | GraphQLError {
  if (!(error instanceof GraphQLError) || !error.message.includes("Did you mean")) return error;
  return new GraphQLError(error.message.replace(suggestion, "").trim(), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}

function resultWithoutSuggestions({ result, setResult }: { result: ExecutionResult; setResult: (result: ExecutionResult) => void }): void {
  if (result.errors?.some((error) => error.message.includes("Did you mean"))) {
    setResult({ ...result, errors: result.errors.map(withoutSuggestion) });
  }
}

/**
 * Strips field, argument, type and enum-value suggestions from validation errors and from
 * execution results (variable coercion reports "Did you mean the enum value ...?" there,
 * which GraphQL Armor's blockFieldSuggestion does not see).
 */
export function hideSuggestionsPlugin(): Plugin {
  return {
    onValidate: () => ({ valid, result, setResult }) => {
      if (!valid) setResult(result.map(withoutSuggestion));
    },
    onExecute: () => ({
      onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, resultWithoutSuggestions),
    }),
    onSubscribe: () => ({
      onSubscribeResult: (payload) => handleStreamOrSingleExecutionResult(payload, resultWithoutSuggestions),
    }),
  };
}

/** Rejects `__schema` and `__type` (graphql-js's own rule); `__typename` stays allowed. */
export function disableIntrospectionPlugin(): Plugin {
  return {
    onValidate: ({ addValidationRule }) => {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}
