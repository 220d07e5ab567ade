// The HTTP face of the service: health checks, channel webhooks and the web chat, and the admin
// API (with each domain's staff routes), registered as plugins. No listen() here, so tests drive it with app.inject().
import cookie from "@fastify/cookie";
import helmet from "@fastify/helmet";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { sql } from "drizzle-orm";
import { migrationsUpToDate } from "./db/migrate.js";
import type { ChannelHub } from "./channels/hub.js";
import { adminPlugin, type AdminPluginOptions } from "./admin/index.js";
import { childrenRoutes } from "./growth/children-routes.js";
import { growthRoutes } from "./growth/routes.js";
import { handoffRoutes } from "./handoff/routes.js";
import { childLinkRoutes } from "./children/link-routes.js";
import { faqRoutes } from "./knowledge/routes.js";
import { publicRoutes, reportRoutes } from "./reports/index.js";
import { campaignRoutes } from "./campaigns/index.js";
import { whatsAppTemplateRoutes } from "./channels/whatsapp-cloud/index.js";
import { consolePlugin } from "./console/index.js";
import { httpErrorHandler } from "./platform/http/errors.js";
import type { Runtime } from "./runtime.js";
import { metricsPlugin } from "./metrics/plugin.js";
import { newRequestId } from "./lib/request-context.js";

export interface AppOptions {
  /** Channels whose HTTP routes (webhooks, web chat) the app serves. */
  hub?: ChannelHub;
  /** Settings of the admin API (tests lower the login rate limit's strictness). */
  admin?: AdminPluginOptions;
}

/** TRUST_PROXY as Fastify takes it; a number is how many proxy hops in front are believed. */
function trustProxySetting(value: boolean | number | string): boolean | string | ((address: string, hop: number) => boolean) {
  return typeof value === "number" ? (_address, hop) => hop < value : value;
}

/** Builds the Fastify app over a runtime. */
export async function buildApp(rt: Runtime, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- widens pino's Logger so the app is a plain FastifyInstance (tsc needs it)
    loggerInstance: rt.log as FastifyBaseLogger,
    // Give each request a short id in logs instead of anything about the caller.
    genReqId: newRequestId,
    // X-Forwarded-For is believed only from configured proxies: anyone can send the header, and
    // believing it lets a client pick its own address and slip past per-address limits.
    trustProxy: trustProxySetting(rt.config.TRUST_PROXY),
    bodyLimit: 1024 * 1024,
    // Unknown fields are an error, not silently dropped (Fastify's default strips them).
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
  });

  await app.register(cookie);
  // Security headers on every route but the Telegram webhook (a machine reads it). The CSP allows
  // only this origin, plus the web chat page's own inline script and style by nonce; /docs
  // (Swagger UI) sets its own policy with its hashes.
  // No upgrade-insecure-requests: the local try-out runs on plain http://localhost or a LAN address.
  await app.register(helmet, {
    global: true,
    enableCSPNonces: true,
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null, formAction: ["'self'"] } },
  });

  // One error shape everywhere (platform/http/errors.ts); plugins inherit the handler.
  app.setErrorHandler(httpErrorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: "not_found", message: `No route ${request.method} ${request.url.split("?")[0]}` }),
  );

  // Request ids for every log line of a request, HTTP figures, and GET /metrics (METRICS_TOKEN).
  await metricsPlugin(app, rt);

  app.get("/health", async () => ({ status: "ok" }));

  app.get("/ready", async (_request, reply) => {
    try {
      await rt.db.execute(sql`select 1`);
    } catch {
      return reply.status(503).send({ status: "unavailable", reason: "database unreachable" });
    }
    try {
      if (!(await migrationsUpToDate(rt.db))) {
        return reply.status(503).send({ status: "unavailable", reason: "database migrations not applied" });
      }
    } catch {
      return reply.status(503).send({ status: "unavailable", reason: "database migrations not applied" });
    }
    // A channel that stopped taking messages (Telegram polling failing, …) makes the instance not
    // ready, so monitoring sees it instead of a silent bot.
    const channels = Object.fromEntries((options.hub?.adapters() ?? []).flatMap((a) => (a.health ? [[a.name, a.health()]] : [])));
    const dead = Object.entries(channels).find(([, h]) => !h.ok);
    if (dead)
      return reply.status(503).send({ status: "unavailable", reason: `channel ${dead[0]}: ${dead[1].reason ?? "not running"}`, channels });
    return { status: "ready", database: rt.engine, channels };
  });

  // The public summary (aggregates only, no login).
  await app.register(async (scope) => publicRoutes(scope, rt));

  for (const adapter of options.hub?.adapters() ?? []) {
    if (adapter.routes) await app.register(adapter.routes);
  }
  // The admin API: staff sign-in, area scoping, audit; each domain adds its own routes here.
  await app.register(
    adminPlugin(rt, {
      ...options.admin,
      routes: [
        growthRoutes,
        childrenRoutes,
        childLinkRoutes,
        handoffRoutes,
        faqRoutes,
        reportRoutes,
        campaignRoutes,
        whatsAppTemplateRoutes,
        ...(options.admin?.routes ?? []),
      ],
    }),
  );
  // The staff console: HTML pages over the admin API above (src/console).
  await app.register(consolePlugin(rt), { prefix: "/konsol" });

  return app;
}
