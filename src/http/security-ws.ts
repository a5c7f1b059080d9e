import { GraphQLError } from "graphql";
import { CloseCode } from "graphql-ws";
import type { RequestAuthenticator } from "../auth/request-authenticator.ts";
import type { Logger } from "../logging/logger.ts";
import type { Viewer } from "../schema/context.ts";

/** The part of a graphql-ws server context these policies read. */
interface SocketContext {
  readonly connectionParams?: Readonly<Record<string, unknown>>;
  readonly subscriptions: Readonly<Record<string, unknown>>;
  readonly extra: { readonly socket: { close(code: number, reason: string): void } };
}

/**
 * What graphql-ws adds to the shared Yoga pipeline: authentication once per socket and
 * per-socket limits. graphql-ws itself closes a socket with 4401 when it subscribes before
 * `connection_init`, 4409 on a duplicate operation id, 4408 when `connection_init` does not
 * arrive within `connectionInitWaitTimeout`, and 4403 when `onConnect` returns false.
 */
export interface WsSecurity {
  connectionInitWaitTimeout: number;
  /** Largest message `ws` accepts (a bigger one closes the socket with 1009). */
  maxPayloadBytes: number;
  /** False (4403 Forbidden) without a valid key in `connectionParams.authorization`. */
  onConnect(ctx: SocketContext): Promise<boolean>;
  /** The error a subscribe message gets instead of running (the socket stays open), if any. */
  refuseOperation(ctx: SocketContext): GraphQLError | undefined;
  /** The viewer onConnect authenticated for this socket. */
  viewerOf(ctx: SocketContext): Viewer | undefined;
}

export function createWsSecurity(options: {
  authenticator: RequestAuthenticator;
  logger: Logger;
  initTimeoutMs: number;
  maxOperations: number;
  maxMessageBytes: number;
}): WsSecurity {
  const viewers = new WeakMap<SocketContext, Viewer>();
  const { authenticator, logger, maxOperations } = options;
  return {
    connectionInitWaitTimeout: options.initTimeoutMs,
    maxPayloadBytes: options.maxMessageBytes,

    async onConnect(ctx) {
      let viewer: Viewer | null;
      try {
        viewer = await authenticator.authenticateConnection(ctx.connectionParams, logger);
      } catch (error) {
        // Not a bad key but a failure (database down): say so without details, like HTTP's 500.
        logger.error({ err: error }, "graphql-ws authentication failed");
        ctx.extra.socket.close(CloseCode.InternalServerError, "Internal server error");
        return false;
      }
      if (!viewer) return false;
      viewers.set(ctx, viewer);
      return true;
    },

    refuseOperation(ctx) {
      // graphql-ws reserves the id of the operation being subscribed before asking us.
      if (Object.keys(ctx.subscriptions).length <= maxOperations) return undefined;
      return new GraphQLError(`Too many operations on this socket (at most ${maxOperations}); complete one first.`, {
        extensions: { code: "TOO_MANY_OPERATIONS" },
      });
    },

    viewerOf(ctx) {
      return viewers.get(ctx);
    },
  };
}
