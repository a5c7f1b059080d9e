import type { Logger } from "../logging/logger.ts";
import type { HealthService } from "../health/health-service.ts";
import type { Services } from "../services.ts";

export interface GraphQLContext {
  requestId: string;
  logger: Logger;
  health: HealthService;
  /** Throws SERVICE_UNAVAILABLE while the server is starting or stopping. */
  services(): Services;
}
