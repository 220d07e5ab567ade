// The admin API as one Fastify plugin: validation that rejects unknown fields, one error shape,
// authentication, rate limits, the OpenAPI document and its UI at /docs, and every route.
import cookie from "@fastify/cookie";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyPluginAsync } from "fastify";
import type { Runtime } from "../runtime.js";
import { authenticate } from "../platform/http/auth.js";
import { HttpError } from "../platform/http/errors.js";
import { accountRoutes } from "./routes/accounts.js";
import { areaRoutes } from "./routes/areas.js";
import { auditRoutes } from "./routes/audit.js";
import { authRoutes } from "./routes/auth.js";
import { healthUnitRoutes } from "./routes/health-units.js";
import { kaderRoutes } from "./routes/kader.js";
import { meRoutes } from "./routes/me.js";
import { peopleRoutes } from "./routes/people.js";
import { validatorCompiler } from "../platform/http/validation.js";

/** A module of admin routes; registered inside the admin context (auth, validation, errors, docs). */
export type AdminRoutes = (options: AdminRouteOptions) => FastifyPluginAsync;

export interface AdminPluginOptions {
  /** Login and bootstrap attempts per client address per minute (default 10). */
  loginRateLimit?: number;
  /** Route modules of other features (handoff inbox, referrals, …) served under the same rules. */
  routes?: AdminRoutes[];
}

export interface AdminRouteOptions {
  rt: Runtime;
  loginRateLimit: number;
}

/** Register with `await app.register(adminPlugin(rt))`. Not wrapped in fastify-plugin on purpose:
 * its validator, error handler and hooks stay inside the admin API. */
export function adminPlugin(rt: Runtime, options: AdminPluginOptions = {}): FastifyPluginAsync {
  return async (app) => {
    app.setValidatorCompiler(validatorCompiler);
    // JSON only: a cross-site HTML form can send text/plain without a CORS preflight (CSRF).
    app.removeContentTypeParser("text/plain");
    // Guarded so an app that already registers these at top level keeps working.
    if (!app.hasRequestDecorator("cookies")) await app.register(cookie);
    if (!app.hasDecorator("rateLimit"))
      await app.register(rateLimit, {
        global: false,
        errorResponseBuilder: (_request, context) =>
          new HttpError(429, "rate_limited", `Too many attempts; try again in ${context.after}`, undefined, Math.ceil(context.ttl / 1000)),
      });
    if (!app.hasDecorator("swagger"))
      await app.register(swagger, {
        openapi: {
          openapi: "3.0.3",
          info: {
            title: "Balanting admin API",
            version: "1",
            description:
              "Staff accounts, areas, kader approvals and the audit log of Balanting (Balangan Lawan Stunting). Every list is limited to the caller's area.",
          },
          components: {
            securitySchemes: {
              session: { type: "apiKey", in: "cookie", name: "balanting_session" },
              token: { type: "http", scheme: "bearer", description: "A personal API token (blt_…)" },
            },
          },
          security: [{ session: [] }, { token: [] }],
        },
      });
    // Swagger UI's own CSP (with the hashes of its inline code) replaces the app's on /docs; no
    // upgrade-insecure-requests, as on the rest of the app (plain http on a LAN must work).
    await app.register(swaggerUi, {
      routePrefix: "/docs",
      staticCSP: true,
      transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, ""),
    });

    app.decorateRequest("staff", null);
    app.decorateRequest("staffSessionToken", null);
    app.addHook("onRequest", authenticate(rt));

    const routeOptions: AdminRouteOptions = { rt, loginRateLimit: options.loginRateLimit ?? 10 };
    const own: AdminRoutes[] = [authRoutes, meRoutes, accountRoutes, areaRoutes, healthUnitRoutes, peopleRoutes, kaderRoutes, auditRoutes];
    for (const routes of [...own, ...(options.routes ?? [])]) {
      await app.register(routes(routeOptions));
    }
  };
}
