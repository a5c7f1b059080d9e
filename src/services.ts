import type { DomainServices } from "./app-services.ts";
import type { Config } from "./config.ts";
import type { Database } from "./db/database.ts";
import type { HealthService } from "./health/health-service.ts";
import type { Logger } from "./logging/logger.ts";

/** Everything resolvers and workers use, built once per app by buildApp. */
export interface Services extends DomainServices {
  config: Config;
  logger: Logger;
  db: Database;
  health: HealthService;
}
