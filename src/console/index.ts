// The staff console at /konsol: server-rendered pages over the admin API (see api.ts), with light
// progressive enhancement (charts drawn from the tables under them). One entry point: app.ts
// registers consolePlugin(rt) with the prefix /konsol.
import compress from "@fastify/compress";
import csrf from "@fastify/csrf-protection";
import formbody from "@fastify/formbody";
import type { FastifyError, FastifyPluginAsync } from "fastify";
import type { Runtime } from "../runtime.js";
import { assetRoutes } from "./assets.js";
import { accountRoutes } from "./pages/account.js";
import { auditRoutes } from "./pages/audit.js";
import { campaignRoutes } from "./pages/campaigns.js";
import { contentRoutes } from "./pages/content.js";
import { templateRoutes } from "./pages/templates.js";
import { whatsAppRoutes } from "./pages/whatsapp.js";
import { anonymousContext, SignInNeeded, type ConsoleDeps } from "./context.js";
import { html } from "./html.js";
import { layout } from "./layout.js";
import { dashboardRoutes } from "./pages/dashboard.js";
import { correctionRoutes } from "./pages/corrections.js";
import { exportRoutes } from "./pages/exports.js";
import { followUpRoutes } from "./pages/follow-up.js";
import { inboxRoutes } from "./pages/inbox.js";
import { kaderRoutes } from "./pages/kader.js";
import { loginRoutes } from "./pages/login.js";

export const CSRF_COOKIE = "balanting_csrf";

export function consolePlugin(rt: Runtime): FastifyPluginAsync {
  return async (app) => {
    await app.register(formbody, { bodyLimit: 64 * 1024 });
    // Pages gzipped for slow lines (a regency's SKDN table is ~70 kB of HTML, ~8 kB gzipped); only
    // inside /konsol. The static assets are gzipped once by assets.ts instead.
    await app.register(compress, { global: true, encodings: ["gzip"], threshold: 1024 });
    // Double-submit: a secret in an httpOnly cookie, and a token derived from it in every form,
    // checked on every POST. Together with the session cookie's SameSite=Strict this stops other
    // sites from posting a form on a signed-in user's behalf, and also login CSRF (the secret
    // exists before there is a session). Secure when the request came over TLS.
    await app.register(csrf, {
      cookieKey: CSRF_COOKIE,
      cookieOpts: { path: "/konsol", httpOnly: true, sameSite: "strict", secure: "auto" },
      getToken: (request) => (request.body as { _csrf?: string } | undefined)?._csrf,
    });
    const deps: ConsoleDeps = { rt, app };

    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof SignInNeeded) {
        const back = request.method === "GET" ? request.url : "/konsol";
        return reply.redirect(`/konsol/masuk?ke=${encodeURIComponent(back)}`, 303);
      }
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
      if (status >= 500) request.log.error({ err: error }, "console page failed");
      const ctx = anonymousContext(deps, request, reply);
      const key =
        error.code === "FST_CSRF_INVALID_TOKEN" || error.code === "FST_CSRF_MISSING_SECRET"
          ? "csrf"
          : status === 404
            ? "not_found"
            : status >= 500
              ? "internal"
              : "generic";
      const text = ctx.t(`console:errors.${key}`);
      return reply
        .status(status)
        .type("text/html; charset=utf-8")
        .send(
          layout(
            ctx,
            { title: ctx.t("console:errors.title") },
            html`<p role="alert">${text}</p><p><a href="/konsol">${ctx.t("console:errors.home")}</a></p>`,
          ),
        );
    });
    app.setNotFoundHandler((request, reply) => {
      const ctx = anonymousContext(deps, request, reply);
      return reply
        .status(404)
        .type("text/html; charset=utf-8")
        .send(
          layout(
            ctx,
            { title: ctx.t("console:errors.title") },
            html`<p role="alert">${ctx.t("console:errors.not_found")}</p><p><a href="/konsol">${ctx.t("console:errors.home")}</a></p>`,
          ),
        );
    });

    assetRoutes(app);
    loginRoutes(app, deps);
    dashboardRoutes(app, deps);
    followUpRoutes(app, deps);
    inboxRoutes(app, deps);
    kaderRoutes(app, deps);
    exportRoutes(app, deps);
    correctionRoutes(app, deps);
    // Before the topic pages: /konten/template-whatsapp is not a topic.
    templateRoutes(app, deps);
    contentRoutes(app, deps);
    accountRoutes(app, deps);
    auditRoutes(app, deps);
    whatsAppRoutes(app, deps);
    campaignRoutes(app, deps);
  };
}
