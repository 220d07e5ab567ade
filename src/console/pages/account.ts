// Akun: one's own password and personal API tokens (every role); staff accounts of the area for
// those who manage accounts (create, deactivate, reactivate; src/admin/accounts.ts MANAGES); the
// audit log for the Pokja (account-audit.ts). Through /api/v1/me/…, /api/v1/accounts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { callApi } from "../api.js";
import { errorCode, errorField, redirectBack, staffContext, type ConsoleDeps } from "../context.js";
import { formatDay } from "../format.js";
import { html, type Html } from "../html.js";
import { csrfField, layout, type PageContext } from "../layout.js";
import { ADMINS, MANAGERS, may, type Role } from "../nav.js";

interface Token {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
interface Account {
  id: string;
  username: string;
  name: string;
  role: Role;
  puskesmasId: string | null;
  desaCode: string | null;
  posyanduId: string | null;
  active: boolean;
  lastLoginAt: string | null;
}
interface Option {
  value: string;
  label: string;
}

/** The roles each role may create (src/admin/accounts.ts MANAGES). */
const CREATES: Record<string, readonly Role[]> = {
  pokja_admin: ["pokja_admin", "puskesmas", "bidan", "kader"],
  puskesmas: ["bidan", "kader"],
};
/** The area field each role's account needs (POST /api/v1/accounts). */
const AREA_FIELD: Record<Role, "puskesmasId" | "desaCode" | "posyanduId" | null> = {
  pokja_admin: null,
  puskesmas: "puskesmasId",
  bidan: "desaCode",
  kader: "posyanduId",
};
/** The API's password minimum (src/admin/routes/auth.ts, PASSWORD_MIN_LENGTH). */
const PASSWORD_MIN = 10;
const UUID = /^[0-9a-f-]{36}$/i;

function passwordForm(ctx: PageContext): Html {
  const t = ctx.t;
  return html`<section aria-labelledby="pw-h" class="card narrow"><h2 id="pw-h">${t("console:account.password")}</h2>
<form method="post" action="/konsol/akun/sandi" id="password-form">${csrfField(ctx)}
<input type="text" name="username" autocomplete="username" value="${ctx.me!.account.username}" hidden>
<label for="current">${t("console:fields.currentPassword")}</label><input id="current" name="currentPassword" type="password" autocomplete="current-password" required maxlength="200">
<label for="new">${t("console:fields.newPassword")}</label><input id="new" name="newPassword" type="password" autocomplete="new-password" required minlength="${PASSWORD_MIN}" maxlength="200">
<p class="hint">${t("console:account.passwordHint", { min: PASSWORD_MIN })}</p>
<button type="submit" data-busy="${t("console:busy")}">${t("console:account.changePassword")}</button></form></section>`;
}

function tokensSection(ctx: PageContext, tokens: Token[], created?: { token: string; name: string }): Html {
  const t = ctx.t;
  const live = tokens.filter((k) => !k.revokedAt);
  return html`<section aria-labelledby="tok-h"><h2 id="tok-h">${t("console:account.tokens")}</h2>
<p class="hint">${t("console:account.tokensHint")}</p>
${created ? html`<div class="flash ok" role="status" id="new-token"><p>${t("console:account.tokenOnce", { name: created.name })}</p><p><code class="secret">${created.token}</code></p></div>` : ""}
${
  live.length
    ? html`<div class="scroll"><table class="data stack" id="tokens"><thead><tr><th scope="col">${t("console:account.col.name")}</th><th scope="col">${t("console:account.col.prefix")}</th><th scope="col">${t("console:account.col.expires")}</th><th scope="col">${t("console:account.col.lastUsed")}</th><th scope="col">${t("console:followUp.col.action")}</th></tr></thead>
<tbody>${live.map(
        (
          k,
        ) => html`<tr data-token="${k.id}"><th scope="row" data-label="${t("console:account.col.name")}">${k.name}</th><td data-label="${t("console:account.col.prefix")}"><code>${k.prefix}…</code></td>
<td data-label="${t("console:account.col.expires")}">${k.expiresAt ? formatDay(k.expiresAt) : t("console:account.never")}</td><td data-label="${t("console:account.col.lastUsed")}">${k.lastUsedAt ? formatDay(k.lastUsedAt) : "–"}</td>
<td class="actions"><form method="post" action="/konsol/akun/token/${k.id}/cabut">${csrfField(ctx)}<button type="submit" class="secondary">${t("console:account.revoke")}</button></form></td></tr>`,
      )}</tbody></table></div>`
    : html`<p>${t("console:account.noTokens")}</p>`
}
<form method="post" action="/konsol/akun/token" id="token-form" class="card narrow">${csrfField(ctx)}
<label for="token-name">${t("console:fields.tokenName")}</label><input id="token-name" name="name" required maxlength="80">
<label for="token-days">${t("console:fields.expiresInDays")}</label><input id="token-days" name="expiresInDays" type="number" min="1" max="366" inputmode="numeric">
<button type="submit">${t("console:account.createToken")}</button></form></section>`;
}

function accountsSection(ctx: PageContext, accounts: Account[], areas: Record<"puskesmasId" | "desaCode" | "posyanduId", Option[]>): Html {
  const t = ctx.t;
  const role = ctx.me!.account.role;
  const creates = CREATES[role] ?? [];
  const labelOf = (a: Account) => {
    const field = AREA_FIELD[a.role];
    if (!field) return t("console:dashboard.regency");
    const value = a[field];
    return areas[field].find((o) => o.value === value)?.label ?? value ?? "–";
  };
  const select = (field: "puskesmasId" | "desaCode" | "posyanduId") =>
    html`<div><label for="new-${field}">${t(`console:fields.${field}`)}</label><select id="new-${field}" name="${field}"><option value="">–</option>${areas[field].map((o) => html`<option value="${o.value}">${o.label}</option>`)}</select></div>`;
  const fields = new Set(creates.map((r) => AREA_FIELD[r]).filter((f) => f !== null));
  return html`<section aria-labelledby="acc-h"><h2 id="acc-h">${t("console:account.accounts", { count: accounts.length })}</h2>
<div class="scroll"><table class="data stack" id="accounts"><thead><tr><th scope="col">${t("console:account.col.person")}</th><th scope="col">${t("console:account.col.role")}</th><th scope="col">${t("console:account.col.area")}</th><th scope="col">${t("console:account.col.lastLogin")}</th><th scope="col">${t("console:followUp.col.action")}</th></tr></thead>
<tbody>${accounts.map((a) => {
    const manageable = a.id !== ctx.me!.account.id && creates.includes(a.role);
    return html`<tr data-account="${a.id}" class="${a.active ? "" : "cancelled"}"><th scope="row" data-label="${t("console:account.col.person")}">${a.name}<br><span class="hint">${a.username}</span></th>
<td data-label="${t("console:account.col.role")}">${t(`console:roles.${a.role}`)}</td><td data-label="${t("console:account.col.area")}">${labelOf(a)}</td>
<td data-label="${t("console:account.col.lastLogin")}">${a.lastLoginAt ? formatDay(a.lastLoginAt) : "–"}</td>
<td class="actions" data-field="status">${a.active ? "" : html`<span class="tag">${t("console:account.inactive")}</span> `}${
      manageable
        ? html`<form method="post" action="/konsol/akun/staf/${a.id}/${a.active ? "nonaktif" : "aktif"}">${csrfField(ctx)}<button type="submit" class="secondary">${t(a.active ? "console:account.deactivate" : "console:account.reactivate")}</button></form>`
        : ""
    }</td></tr>`;
  })}</tbody></table></div>
<form method="post" action="/konsol/akun/staf" id="account-form" class="card">${csrfField(ctx)}<h3>${t("console:account.create")}</h3>
<div class="filters"><div><label for="new-username">${t("console:fields.username")}</label><input id="new-username" name="username" required minlength="3" maxlength="40" pattern="[A-Za-z0-9._\\-]+" autocomplete="off"></div>
<div><label for="new-name">${t("console:fields.personName")}</label><input id="new-name" name="name" required maxlength="120"></div>
<div><label for="new-password">${t("console:fields.password")}</label><input id="new-password" name="password" type="password" required minlength="${PASSWORD_MIN}" maxlength="200" autocomplete="new-password"></div>
<div><label for="new-role">${t("console:fields.role")}</label><select id="new-role" name="role" required>${creates.map((r) => html`<option value="${r}">${t(`console:roles.${r}`)}</option>`)}</select></div>
${[...fields].map((f) => select(f))}</div>
<p class="hint">${t("console:account.areaHint")}</p>
<button type="submit" data-busy="${t("console:busy")}">${t("console:account.createSubmit")}</button></form></section>`;
}

async function accountPage(deps: ConsoleDeps, request: FastifyRequest, reply: FastifyReply, created?: { token: string; name: string }) {
  const ctx = await staffContext(deps, request, reply);
  const t = ctx.t;
  const manager = may(MANAGERS, ctx.me.account.role);
  const tokens = await callApi<{ items: Token[] }>(deps.app, request, "GET", "/api/v1/me/tokens");
  if (!tokens.ok) throw Object.assign(new Error("tokens failed"), { statusCode: 502 });
  let accounts: Html | string = "";
  if (manager) {
    const [list, pusk, desa, units] = await Promise.all([
      callApi<{ items: Account[] }>(deps.app, request, "GET", "/api/v1/accounts?limit=200"),
      callApi<{ items: { id: string; name: string }[] }>(deps.app, request, "GET", "/api/v1/puskesmas?limit=200"),
      callApi<{ items: { code: string; name: string }[] }>(deps.app, request, "GET", "/api/v1/areas?level=desa&limit=200"),
      callApi<{ items: { id: string; name: string }[] }>(deps.app, request, "GET", "/api/v1/posyandu?limit=200"),
    ]);
    if (!list.ok) throw Object.assign(new Error("accounts failed"), { statusCode: 502 });
    accounts = accountsSection(ctx, list.body.items, {
      puskesmasId: pusk.ok ? pusk.body.items.map((p) => ({ value: p.id, label: p.name })) : [],
      desaCode: desa.ok ? desa.body.items.map((d) => ({ value: d.code, label: d.name })) : [],
      posyanduId: units.ok ? units.body.items.map((p) => ({ value: p.id, label: p.name })) : [],
    });
  }
  const audit = may(ADMINS, ctx.me.account.role) ? html`<p><a href="/konsol/akun/audit">${t("console:audit.title")}</a></p>` : "";
  const body = html`${audit}${passwordForm(ctx)}${tokensSection(ctx, tokens.body.items, created)}${accounts}`;
  return reply.type("text/html; charset=utf-8").send(layout(ctx, { title: t("console:account.title") }, body));
}

const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");

export function accountRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const back = "/konsol/akun";
  app.get("/akun", (request, reply) => accountPage(deps, request, reply));

  app.post<{ Body: { currentPassword?: unknown; newPassword?: unknown } }>(
    "/akun/sandi",
    { preValidation: app.csrfProtection.bind(app) },
    async (request, reply) => {
      const current = typeof request.body?.currentPassword === "string" ? request.body.currentPassword : "";
      const next = typeof request.body?.newPassword === "string" ? request.body.newPassword : "";
      if (!current) return redirectBack(reply, back, { galat: "validation_failed", kolom: "currentPassword" });
      if (next.length < PASSWORD_MIN) return redirectBack(reply, back, { galat: "validation_failed", kolom: "newPassword" });
      const res = await callApi(deps.app, request, "PUT", "/api/v1/me/password", { currentPassword: current, newPassword: next });
      if (res.status === 401) return reply.redirect("/konsol/masuk", 303);
      // A new password ends every session, this one too: sign in again with it.
      if (res.ok) return redirectBack(reply, "/konsol/masuk", { ok: "passwordChanged" });
      return redirectBack(reply, back, { galat: errorCode(res.body), kolom: errorField(res.body) });
    },
  );

  app.post<{ Body: { name?: unknown; expiresInDays?: unknown } }>(
    "/akun/token",
    { preValidation: app.csrfProtection.bind(app) },
    async (request, reply) => {
      const name = text(request.body?.name);
      const daysText = text(request.body?.expiresInDays);
      const days = daysText ? Number(daysText) : undefined;
      if (!name || name.length > 80) return redirectBack(reply, back, { galat: "validation_failed", kolom: "tokenName" });
      if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= 366))
        return redirectBack(reply, back, { galat: "validation_failed", kolom: "expiresInDays" });
      const res = await callApi<{ token: string; name: string }>(deps.app, request, "POST", "/api/v1/me/tokens", {
        name,
        ...(days ? { expiresInDays: days } : {}),
      });
      if (res.status === 401) return reply.redirect("/konsol/masuk", 303);
      if (!res.ok) return redirectBack(reply, back, { galat: errorCode(res.body), kolom: errorField(res.body) });
      // Shown in this answer only (not through a redirect): the API never shows the token again.
      void reply.header("cache-control", "no-store");
      return accountPage(deps, request, reply, { token: res.body.token, name: res.body.name });
    },
  );

  app.post<{ Params: { id: string } }>("/akun/token/:id/cabut", { preValidation: app.csrfProtection.bind(app) }, async (request, reply) => {
    if (!UUID.test(request.params.id)) return redirectBack(reply, back, { galat: "not_found" });
    const res = await callApi(deps.app, request, "DELETE", `/api/v1/me/tokens/${request.params.id}`);
    if (res.status === 401) return reply.redirect("/konsol/masuk", 303);
    return redirectBack(reply, back, res.ok ? { ok: "tokenRevoked" } : { galat: errorCode(res.body) });
  });

  app.post<{ Body: Record<string, unknown> }>("/akun/staf", { preValidation: app.csrfProtection.bind(app) }, async (request, reply) => {
    const form = request.body ?? {};
    const role = text(form.role) as Role;
    if (!Object.hasOwn(AREA_FIELD, role)) return redirectBack(reply, back, { galat: "validation_failed", kolom: "role" });
    const area = AREA_FIELD[role];
    // Only the area field of the chosen role goes to the API (it refuses a stray one).
    const payload: Record<string, string> = {
      username: text(form.username),
      name: text(form.name),
      password: typeof form.password === "string" ? form.password : "",
      role,
    };
    if (area) payload[area] = text(form[area]);
    for (const field of ["username", "name", ...(area ? [area] : [])])
      if (!payload[field]) return redirectBack(reply, back, { galat: "validation_failed", kolom: field });
    if ((payload.password ?? "").length < PASSWORD_MIN) return redirectBack(reply, back, { galat: "validation_failed", kolom: "password" });
    const res = await callApi(deps.app, request, "POST", "/api/v1/accounts", payload);
    if (res.status === 401) return reply.redirect("/konsol/masuk", 303);
    return redirectBack(reply, back, res.ok ? { ok: "accountCreated" } : { galat: errorCode(res.body), kolom: errorField(res.body) });
  });

  const setActive = (active: boolean) => async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    if (!UUID.test(request.params.id)) return redirectBack(reply, back, { galat: "not_found" });
    const res = await callApi(deps.app, request, "PATCH", `/api/v1/accounts/${request.params.id}`, { active });
    if (res.status === 401) return reply.redirect("/konsol/masuk", 303);
    return redirectBack(
      reply,
      back,
      res.ok ? { ok: active ? "accountReactivated" : "accountDeactivated" } : { galat: errorCode(res.body) },
    );
  };
  app.post<{ Params: { id: string } }>("/akun/staf/:id/nonaktif", { preValidation: app.csrfProtection.bind(app) }, setActive(false));
  app.post<{ Params: { id: string } }>("/akun/staf/:id/aktif", { preValidation: app.csrfProtection.bind(app) }, setActive(true));
}
