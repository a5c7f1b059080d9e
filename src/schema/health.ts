import { Repeater } from "graphql-yoga";
import type { HealthReport } from "../health/health-service.ts";
import { builder } from "./builder.ts";

const HealthStatus = builder.enumType("HealthStatus", { values: ["ok", "starting", "unavailable"] as const });

const Health = builder.objectRef<HealthReport>("Health").implement({
  description: "Readiness of this Quire process.",
  fields: (t) => ({
    status: t.field({ type: HealthStatus, resolve: (report) => report.status }),
    database: t.exposeBoolean("database", { description: "Database reachable and migrated." }),
    role: t.exposeString("role"),
    uptimeSeconds: t.exposeInt("uptimeSeconds"),
  }),
});

builder.queryField("health", (t) =>
  t.field({ type: Health, resolve: (_root, _args, context) => context.health.check() }),
);

builder.subscriptionField("health", (t) =>
  t.field({
    type: Health,
    description: "The health report now, then every `intervalMs` until the client unsubscribes.",
    args: { intervalMs: t.arg.int({ defaultValue: 1000 }) },
    subscribe: (_root, { intervalMs }, context) =>
      new Repeater<HealthReport>(async (push, stop) => {
        const interval = Math.min(Math.max(intervalMs ?? 1000, 100), 60_000);
        await push(await context.health.check());
        const timer = setInterval(() => void context.health.check().then(push), interval);
        await stop;
        clearInterval(timer);
      }),
    resolve: (report) => report,
  }),
);
