import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { GraphQLError } from "graphql";
import { createYoga, type YogaServerInstance } from "graphql-yoga";
import { createOwnerKeyIfNoUser, firstStartBanner } from "./auth/first-start.ts";
import { createRequestAuthenticator } from "./auth/request-authenticator.ts";
import { createUserRateLimiter, type UserRateLimiter } from "./auth/user-rate-limiter.ts";
import { startDomainServices } from "./app-services.ts";
import { createBatchReadLoaders, type BatchReadLoaders } from "./batches/batch-read-loaders.ts";
import type { Config } from "./config.ts";
import { openDatabase, type Database } from "./db/database.ts";
import { HealthService } from "./health/health-service.ts";
import { isDashboardRequest, serveDashboard } from "./http/dashboard-route.ts";
import { maskUnexpectedError } from "./http/error-mask.ts";
import { isEmbeddingDownloadRequest, serveEmbeddingDownload } from "./http/embedding-download-route.ts";
import { isGraphExportRequest, serveGraphExport } from "./http/graph-export-route.ts";
import { isGraphiqlAssetRequest, renderQuireGraphiQL, serveGraphiqlAsset } from "./http/graphiql-route.ts";
import { attachGraphqlWs } from "./http/graphql-ws-server.ts";
import { isPageImageRequest, servePageImage } from "./http/page-image-route.ts";
import { requestLogPlugin } from "./http/request-log-plugin.ts";
import { requestIdFrom } from "./http/request-id.ts";
import { csrfPreventionPlugin } from "./http/security-csrf.ts";
import { maxRequestBodyBytes, streamingUploadsPlugin } from "./http/security-multipart.ts";
import { graphqlHardeningPlugins } from "./http/security-plugins.ts";
import { createWsSecurity } from "./http/security-ws.ts";
import { shutdownSteps } from "./lifecycle/shutdown-steps.ts";
import { StartupError } from "./lifecycle/startup-error.ts";
import { createLogger, type Logger } from "./logging/logger.ts";
import type { GraphQLContext, Viewer } from "./schema/context.ts";
import { schema } from "./schema/index.ts";
import type { Services } from "./services.ts";

const defaultMigrationsDir = fileURLToPath(new URL("../prisma/migrations", import.meta.url));

export interface AppOptions {
  logger?: Logger;
  migrationsDir?: string;
  /** Where the first-start key box is printed (default process.stderr, never the JSON logger). */
  stderr?: { write(text: string): unknown };
  /** Called once per database query of the app's Prisma client (tests and benches count them). */
  onDatabaseQuery?: () => void;
}

export interface App {
  yoga: YogaServerInstance<Record<string, unknown>, GraphQLContext>;
  logger: Logger;
  /** Opens the database (embedded when DATABASE_URL is unset), migrates, then listens. */
  start(options?: { listen?: boolean }): Promise<void>;
  /** Stops accepting work, drains in-flight requests, then releases every resource. */
  stop(): Promise<void>;
  /** The bound address once listening (PORT=0 picks a free port). */
  address(): { host: string; port: number } | undefined;
  services(): Services;
}

/** Routes Yoga's own log calls into pino, keeping errors (and their causes) serialisable. */
function yogaLogger(logger: Logger) {
  const write =
    (level: "debug" | "info" | "warn" | "error") =>
    (...args: unknown[]) => {
      const err = args.find((arg) => arg instanceof Error);
      const rest = args.filter((arg) => arg !== err);
      logger[level]({ err, detail: rest.length ? rest : undefined }, "graphql");
    };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}

/** Builds the whole application without side effects; nothing runs until start(). */
export function buildApp(config: Config, options: AppOptions = {}): App {
  const logger = options.logger ?? createLogger(config.logLevel);
  const health = new HealthService(config.role);
  let services: Services | undefined;
  let database: Database | undefined;
  let domain: Awaited<ReturnType<typeof startDomainServices>> | undefined;
  let server: Server | undefined;
  let ws: { close(): Promise<void> } | undefined;
  let inFlight = 0;

  const requireServices = (): Services => {
    if (!services) {
      throw new GraphQLError("Quire is starting or stopping; try again shortly.", {
        extensions: { code: "SERVICE_UNAVAILABLE", http: { status: 503 } },
      });
    }
    return services;
  };

  let rateLimiter: UserRateLimiter | undefined;
  const authenticator = createRequestAuthenticator({
    prisma: () => requireServices().db.prisma,
    limiter: () => {
      requireServices(); // SERVICE_UNAVAILABLE while starting or stopping
      return rateLimiter!;
    },
  });

  /** Multipart requests authenticate before their body is read (see streamingUploadsPlugin). */
  const uploadViewers = new WeakMap<Request, ReturnType<typeof authenticator.viewerFor>>();
  const yoga = createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: "/graphql",
    graphiql: { title: "Quire", subscriptionsProtocol: "WS" },
    renderGraphiQL: renderQuireGraphiQL,
    landingPage: false,
    healthCheckEndpoint: "/__yoga_health",
    logging: yogaLogger(logger),
    maskedErrors: { isDev: false, maskError: maskUnexpectedError },
    // Body limits live in streamingUploadsPlugin: the whole documented upload limit for uploads
    // (streamed to storage), 25 MB for other bodies. Yoga's own limit is off because it pipes
    // every body through a ponyfill TransformStream that reads ahead without backpressure: a
    // 300 MB upload grew the process by 327 MB with it, by < 64 MB without (bench/upload.ts).
    // CSRF, Armor limits, suggestions and introspection apply to HTTP, SSE and graphql-ws alike
    // (graphql-ws runs through yoga.getEnveloped).
    maxRequestBodySize: false,
    plugins: [
      csrfPreventionPlugin(),
      streamingUploadsPlugin({
        store: () => requireServices().uploads,
        limits: config,
        maxBodyBytes: maxRequestBodyBytes(config),
        authorize: async (request) => {
          // Uploads need a key before a byte is stored; the context reuses this lookup.
          const requestLogger = logger.child({ requestId: requestIdFrom(request.headers.get("x-request-id")) });
          const viewer = authenticator.viewerFor({ authorization: request.headers.get("authorization") }, requestLogger);
          uploadViewers.set(request, viewer);
          (await viewer)();
        },
      }),
      ...graphqlHardeningPlugins(config),
      requestLogPlugin(),
    ],
    context: async ({ request, req, socketViewer }: { request?: Request; req?: IncomingMessage; socketViewer?: Viewer }) => {
      const header = request?.headers.get("x-request-id") ?? (req?.headers["x-request-id"] as string | undefined);
      const requestId = requestIdFrom(header);
      const requestLogger = logger.child({ requestId });
      let loaders: BatchReadLoaders | undefined;
      // One key lookup (and one quota token) per operation; graphql-ws authenticated the socket.
      const viewer = await ((request && uploadViewers.get(request)) ??
        authenticator.viewerFor(socketViewer ? { socketViewer } : { authorization: request?.headers.get("authorization") }, requestLogger));
      return {
        requestId,
        logger: requestLogger,
        health,
        services: requireServices,
        viewer,
        loaders: () => (loaders ??= createBatchReadLoaders(requireServices().db.prisma)),
      };
    },
  });

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    inFlight++;
    res.on("close", () => inFlight--);
    if (req.url === "/health" && (req.method === "GET" || req.method === "HEAD")) {
      void health.check().then((report) => {
        res.writeHead(report.status === "ok" ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
        res.end(req.method === "HEAD" ? undefined : JSON.stringify(report));
      });
      return;
    }
    if (isPageImageRequest(req)) {
      servePageImage(req, res, services?.db.prisma).catch((error: unknown) => {
        logger.error({ err: error }, "page image request failed");
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if (isGraphExportRequest(req)) {
      serveGraphExport(req, res, services).catch((error: unknown) => {
        logger.error({ err: error }, "graph export failed");
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if (isDashboardRequest(req)) {
      serveDashboard(req, res, config).catch((error: unknown) => {
        logger.error({ err: error }, "dashboard request failed");
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if (isGraphiqlAssetRequest(req)) {
      serveGraphiqlAsset(req, res).catch((error: unknown) => {
        logger.error({ err: error }, "graphiql asset request failed");
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if (isEmbeddingDownloadRequest(req)) {
      serveEmbeddingDownload(req, res, services).catch((error: unknown) => {
        logger.error({ err: error }, "embedding download failed");
        // Once streaming began, only a cut connection tells the client the file is incomplete.
        if (res.headersSent) res.destroy();
        else res.writeHead(500).end();
      });
      return;
    }
    void yoga.handle(req, res);
  };

  return {
    yoga,
    logger,
    services: requireServices,
    address() {
      const address = server?.address() as AddressInfo | null | undefined;
      return address ? { host: address.address, port: address.port } : undefined;
    },

    async start({ listen = true } = {}) {
      if (listen) {
        // Listen first so /health can answer 503 while the database starts.
        server = createServer(handle);
        // Listen before attaching graphql-ws: a WebSocketServer re-emits the HTTP server's
        // listen error as its own ("internal error" and a stack) instead of one clear line.
        await new Promise<void>((resolve, reject) => {
          server!.once("error", (error: NodeJS.ErrnoException) => {
            server = undefined;
            reject(
              error.code === "EADDRINUSE" || error.code === "EACCES"
                ? new StartupError(
                    `cannot listen on ${config.host}:${config.port}: ${error.code === "EADDRINUSE" ? "the port is already in use" : "permission denied"}; set PORT to another port (0 picks a free one)`,
                    { cause: error },
                  )
                : error,
            );
          });
          server!.listen(config.port, config.host, () => resolve());
        });
        const wsSecurity = createWsSecurity({
          authenticator,
          logger,
          initTimeoutMs: config.wsInitTimeoutMs,
          maxOperations: config.wsMaxSubscriptions,
          maxMessageBytes: config.wsMaxMessageBytes,
        });
        ws = attachGraphqlWs(server, yoga as never, logger, wsSecurity);
        logger.info({ address: this.address() }, "listening");
      }
      database = await openDatabase(config, logger, options.migrationsDir ?? defaultMigrationsDir, { onQuery: options.onDatabaseQuery });
      rateLimiter = createUserRateLimiter({
        requestsPerWindow: config.userRequestsPerMinute,
        redisUrl: config.redisUrl,
        onError: (error) => logger.error({ err: error }, "user rate limiter error"),
      });
      if (config.bootstrapKey && config.role !== "worker") {
        // Never an open server: an empty database gets an owner and a key, printed once.
        const created = await createOwnerKeyIfNoUser(database.prisma);
        if (created) {
          logger.info({ userId: created.userId, keyPrefix: created.prefix }, "first start: created the owner's API key (printed on stderr)");
          const address = this.address();
          const host = address?.host.includes(":") ? `[${address.host}]` : address?.host;
          (options.stderr ?? process.stderr).write(firstStartBanner(created.key, address && `http://${host}:${address.port}/graphql`));
        }
      }
      domain = await startDomainServices(config, logger, database);
      services = { config, logger, db: database, health, ...domain.services };
      health.markReady(database);
      logger.info({ role: config.role, embeddedDatabase: database.embedded }, "quire ready");
    },

    async stop() {
      // Each step runs even when an earlier one failed; one ShutdownError names the failures.
      const steps = shutdownSteps();
      health.markStopping();
      const closing = server ? new Promise<void>((resolve) => server!.close(() => resolve())) : Promise.resolve();
      await steps.run("graphql-ws", () => ws?.close());
      server?.closeIdleConnections();
      const deadline = Date.now() + config.shutdownTimeoutMs;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      server?.closeAllConnections();
      await steps.run("http server", () => closing);
      services = undefined;
      await steps.run("domain services", () => domain?.stop());
      domain = undefined;
      await steps.run("rate limiter", () => rateLimiter?.close());
      rateLimiter = undefined;
      await steps.run("database", () => database?.close());
      database = undefined;
      server = undefined;
      ws = undefined;
      steps.finish();
      logger.info("quire stopped");
    },
  };
}
