import type { BatchReadLoaders } from "../batches/batch-read-loaders.ts";
import type { Logger } from "../logging/logger.ts";
import type { HealthService } from "../health/health-service.ts";
import type { Services } from "../services.ts";

/** The authenticated caller: every batch, document and job belongs to a user. */
export interface Viewer {
  userId: string;
  apiKeyId: string;
}

export interface GraphQLContext {
  requestId: string;
  logger: Logger;
  health: HealthService;
  /** Throws SERVICE_UNAVAILABLE while the server is starting or stopping. */
  services(): Services;
  /**
   * The caller, from `Authorization: Bearer <key>` (HTTP, SSE) or
   * `connectionParams.authorization` (graphql-ws). Throws UNAUTHENTICATED without a valid key.
   */
  viewer(): Viewer;
  /** Batched reads for batch and document fields, one set per operation (created on first use). */
  loaders(): BatchReadLoaders;
}
