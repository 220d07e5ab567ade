// Masuk / Keluar: the login form posts here; the console signs in through POST /api/v1/auth/login
// and hands its session cookie (httpOnly, sameSite strict) on to the browser.
import type { FastifyInstance } from "fastify";
import { callApi } from "../api.js";
import { anonymousContext, errorCode, redirectBack, safeReturn, type ConsoleDeps } from "../context.js";
import { html } from "../html.js";
import { csrfField, layout, type PageContext } from "../layout.js";

function loginPage(ctx: PageContext, next: string, username = ""): string {
  const t = ctx.t;
  return layout(
    ctx,
    { title: t("console:login.title") },
    html`<form method="post" action="/konsol/masuk" class="card narrow">
  ${csrfField(ctx)}
  <input type="hidden" name="ke" value="${next}">
  <label for="username">${t("console:login.username")}</label>
  <input id="username" name="username" autocomplete="username" required maxlength="40" value="${username}" autofocus>
  <label for="password">${t("console:login.password")}</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200">
  <button type="submit" data-busy="${t("console:busy")}">${t("console:login.submit")}</button>
  <p class="hint">${t("console:login.hint")}</p>
</form>`,
  );
}

export function loginRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get<{ Querystring: { ke?: string } }>("/masuk", async (request, reply) => {
    const ctx = anonymousContext(deps, request, reply);
    return reply.type("text/html; charset=utf-8").send(loginPage(ctx, safeReturn(request.query.ke, "/konsol")));
  });

  app.post<{ Body: { username?: string; password?: string; ke?: string } }>(
    "/masuk",
    { preValidation: app.csrfProtection.bind(app) },
    async (request, reply) => {
      const body = request.body ?? {};
      const next = safeReturn(body.ke, "/konsol");
      const username = typeof body.username === "string" ? body.username.trim() : "";
      const password = typeof body.password === "string" ? body.password : "";
      const res = await callApi(deps.app, request, "POST", "/api/v1/auth/login", { username, password });
      if (res.ok) {
        void reply.header("set-cookie", res.setCookie);
        return reply.redirect(next, 303);
      }
      const ctx = anonymousContext(deps, request, reply);
      const code = username && password ? errorCode(res.body) : "missing_credentials";
      ctx.flash = {
        kind: "error",
        text: ctx.t(deps.rt.i18n.exists("id", `console:errors.${code}`) ? `console:errors.${code}` : "console:errors.generic"),
      };
      return reply
        .status(res.status === 429 ? 429 : 401)
        .type("text/html; charset=utf-8")
        .send(loginPage(ctx, next, username));
    },
  );

  app.post("/keluar", { preValidation: app.csrfProtection.bind(app) }, async (request, reply) => {
    const res = await callApi(deps.app, request, "POST", "/api/v1/auth/logout");
    if (res.setCookie.length) void reply.header("set-cookie", res.setCookie);
    return redirectBack(reply, "/konsol/masuk", { ok: "loggedOut" });
  });
}
