import type { Server } from "node:http";
import { GraphQLError, type DocumentNode, type ExecutionArgs, type GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import type { YogaServerInstance } from "graphql-yoga";
import { WebSocketServer } from "ws";
import type { Logger } from "../logging/logger.ts";
import { maskUnexpectedError } from "./error-mask.ts";
import { expectedGraphQLError } from "../schema/error-mapping.ts";
import type { WsSecurity } from "./security-ws.ts";

/** The part of Yoga's enveloped functions graphql-ws needs, typed (Yoga types it loosely). */
interface Enveloped {
  schema: GraphQLSchema;
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
  contextFactory: () => unknown;
  parse: (source: string) => DocumentNode;
  validate: (schema: GraphQLSchema, document: DocumentNode) => readonly GraphQLError[];
}

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
}

/**
 * graphql-ws on the same path as HTTP GraphQL. Every operation goes through Yoga's envelop
 * pipeline (`getEnveloped`), so parsing, validation, context, plugins and error masking are
 * the same as over HTTP and SSE.
 */
export function attachGraphqlWs(
  server: Server,
  yoga: YogaServerInstance<Record<string, unknown>, Record<string, unknown>>,
  logger: Logger,
  security: WsSecurity,
): { close(): Promise<void> } {
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: security.maxPayloadBytes });
  const disposable = useServer(
    {
      // Close reasons never carry internal error messages, whatever NODE_ENV says.
      isProd: true,
      connectionInitWaitTimeout: security.connectionInitWaitTimeout,
      onConnect: (ctx) => security.onConnect(ctx),
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onSubscribe: async (ctx, _id, payload) => {
        const refused = security.refuseOperation(ctx);
        if (refused) return [refused];
        try {
          return await envelopedArgs(ctx, payload);
        } catch (error) {
          // Parse limits, authentication and quota errors answer this operation only (the
          // socket stays open); anything unexpected is logged and masked as over HTTP.
          const domain = expectedGraphQLError(error);
          if (domain) return [domain];
          const expected = error instanceof GraphQLError && (!error.originalError || error.originalError instanceof GraphQLError);
          if (expected) return [error];
          logger.error({ err: error }, "graphql-ws operation failed");
          return [maskUnexpectedError(error, "Unexpected error.") as GraphQLError];
        }
      },
    },
    wss,
  );

  /** The operation through Yoga's pipeline, in the order HTTP uses: parse, validate, context. */
  async function envelopedArgs(
    ctx: Parameters<WsSecurity["viewerOf"]>[0] & { extra: { request: unknown; socket: unknown } },
    payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null },
  ): Promise<ExecutionArgs | readonly GraphQLError[]> {
    // connectionParams (they hold the key) stay out of the GraphQL context on purpose.
    const enveloped = yoga.getEnveloped({
      req: ctx.extra.request,
      socket: ctx.extra.socket,
      params: payload,
      socketViewer: security.viewerOf(ctx),
    }) as Enveloped;
    const { schema, execute, subscribe, contextFactory, parse, validate } = enveloped;
    const document = parse(payload.query);
    const errors = validate(schema, document);
    if (errors.length) return errors;
    return {
      schema,
      operationName: payload.operationName,
      document,
      variableValues: payload.variables,
      contextValue: await contextFactory(),
      rootValue: { execute, subscribe } satisfies EnvelopedRoot,
    };
  }

  wss.on("error", (error) => logger.error({ err: error }, "websocket server error"));
  return {
    close: async () => {
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
