import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Logger } from "../logging/logger.ts";
import type { Viewer } from "../schema/context.ts";
import { tokenFromAuthorization } from "./api-key-format.ts";
import { authenticate } from "./api-key-service.ts";
import { RateLimitedError, UnauthenticatedError } from "./auth-errors.ts";
import type { UserRateLimiter } from "./user-rate-limiter.ts";

/** Where an operation's credentials come from. */
export type CredentialSource =
  /** HTTP and SSE: the request's `Authorization` header (null when absent). */
  | { authorization: string | null | undefined }
  /** graphql-ws: the viewer `onConnect` authenticated for the whole socket. */
  | { socketViewer: Viewer };

/**
 * Authentication and per-user quotas for the GraphQL context, the same for every transport.
 * One database lookup per HTTP request (none per graphql-ws operation: the socket's viewer
 * was resolved once in onConnect); every operation of a known user takes one request from
 * its quota.
 */
export interface RequestAuthenticator {
  /**
   * The context's `viewer()` for one operation. Rejects with UNAUTHENTICATED (401) when a
   * key was sent but is not valid, and RATE_LIMITED (429) when the user's quota is spent.
   * Without any key the operation goes on anonymously: `viewer()` throws UNAUTHENTICATED,
   * public fields (`health`) still answer.
   */
  viewerFor(source: CredentialSource, logger: Logger): Promise<() => Viewer>;
  /** graphql-ws `connectionParams.authorization` (or `Authorization`): the viewer, or null. */
  authenticateConnection(connectionParams: Readonly<Record<string, unknown>> | undefined, logger: Logger): Promise<Viewer | null>;
}

/** `prisma` and `limiter` are getters: both exist only while the app is started. */
export function createRequestAuthenticator(deps: { prisma: () => PrismaClient; limiter: () => UserRateLimiter }): RequestAuthenticator {
  async function viewerOfToken(authorization: unknown, logger: Logger): Promise<Viewer | null> {
    const viewer = await authenticate(deps.prisma(), tokenFromAuthorization(authorization));
    // Never log any part of a rejected token: it may be a valid secret of something else.
    if (!viewer) logger.info("rejected an invalid or revoked API key");
    return viewer;
  }

  return {
    async viewerFor(source, logger) {
      let viewer: Viewer | null = null;
      if ("socketViewer" in source) {
        viewer = source.socketViewer;
      } else if (source.authorization) {
        viewer = await viewerOfToken(source.authorization, logger);
        if (!viewer) throw new UnauthenticatedError("The API key is not valid (malformed, unknown or revoked).");
      }
      if (viewer) {
        const decision = await deps.limiter().take(viewer.userId);
        if (!decision.allowed) throw new RateLimitedError(decision.retryAfterMs);
      }
      const known = viewer;
      return () => {
        if (!known) throw new UnauthenticatedError();
        return known;
      };
    },

    async authenticateConnection(connectionParams, logger) {
      const authorization = connectionParams?.authorization ?? connectionParams?.Authorization;
      if (authorization === undefined || authorization === null || authorization === "") return null;
      return viewerOfToken(authorization, logger);
    },
  };
}
