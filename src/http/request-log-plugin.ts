import type { Plugin } from "graphql-yoga";
import { Kind, type ExecutionArgs, type OperationDefinitionNode } from "graphql";
import type { GraphQLContext } from "../schema/context.ts";

function describe(args: ExecutionArgs): { operationName: string | null; operationType: string } {
  const operation = args.document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION && (!args.operationName || definition.name?.value === args.operationName),
  );
  return { operationName: operation?.name?.value ?? args.operationName ?? null, operationType: operation?.operation ?? "unknown" };
}

/**
 * One structured log line per GraphQL operation, on every transport: its request id (from
 * the context's child logger), name, type, duration and error count. Variables are never
 * logged: they may hold profiles, prompts or documents.
 */
export function requestLogPlugin(): Plugin<GraphQLContext> {
  return {
    onExecute({ args }) {
      const started = performance.now();
      const context = args.contextValue as GraphQLContext;
      return {
        onExecuteDone({ result }) {
          const errors = "errors" in result && Array.isArray(result.errors) ? result.errors.length : 0;
          context.logger.info(
            { ...describe(args), durationMs: Math.round(performance.now() - started), errors },
            "graphql operation",
          );
        },
      };
    },
    onSubscribe({ args }) {
      (args.contextValue as GraphQLContext).logger.info(describe(args), "graphql subscription started");
    },
  };
}
