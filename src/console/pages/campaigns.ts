// Kampanye: compose a broadcast (Indonesian and Banjar side by side), choose who gets it and see
// how many, submit it (for approval when regency-wide), approve, send, pause/resume/cancel, and
// follow the delivery report live (the page reloads itself while sending). Through /api/v1/campaigns.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { MAX_TEXT, VARIABLES } from "../../campaigns/compose.js";
import { callApi } from "../api.js";
import { errorCode, errorField, redirectBack, staffContext, type ConsoleDeps } from "../context.js";
import { formatDay, formatPercent } from "../format.js";
import { html, raw, type Html } from "../html.js";
import { csrfField, layout, type PageContext } from "../layout.js";
import { CAMPAIGNERS, may } from "../nav.js";

interface Campaign {
  id: string;
  name: string;
  status: string;
  textId: string;
  textBjn: string | null;
  sameForBoth: boolean;
  segment: { kecamatanCodes?: string[]; desaCodes?: string[]; roles?: string[] };
  needsApproval: boolean;
  createdBy: string | null;
  createdAt: string;
}
interface Audience {
  total: number;
  byLang: Record<string, number>;
}
interface Report {
  status: string;
  totals: Record<string, number>;
}
interface Preview {
  id: { text: string };
  bjn: { text: string };
}

const ROLES = ["parent", "pregnant", "kader", "staff"] as const;
const UUID = /^[0-9a-f-]{36}$/i;
/** What each status allows (src/campaigns/manage.ts). */
const ACTIONS: Record<string, { path: string; api: string; done: string }[]> = {
  draft: [{ path: "ajukan", api: "submit", done: "campaignSubmitted" }],
  awaiting_approval: [{ path: "setujui", api: "approve", done: "campaignApproved" }, { path: "batal", api: "cancel", done: "campaignCancelled" }],
  approved: [{ path: "kirim", api: "send", done: "campaignSending" }, { path: "batal", api: "cancel", done: "campaignCancelled" }],
  scheduled: [{ path: "batal", api: "cancel", done: "campaignCancelled" }],
  running: [{ path: "jeda", api: "pause", done: "campaignPaused" }, { path: "batal", api: "cancel", done: "campaignCancelled" }],
  paused: [{ path: "lanjut", api: "resume", done: "campaignResumed" }, { path: "batal", api: "cancel", done: "campaignCancelled" }],
};

/** The API's campaign body from the compose form; the API checks the rest (unknown variables, area). */
export function campaignFromForm(form: Record<string, unknown>): Record<string, unknown> {
  const text = (k: string) => (typeof form[k] === "string" ? (form[k] as string).trim() : "");
  const many = (k: string) => (Array.isArray(form[k]) ? (form[k] as unknown[]) : form[k] === undefined ? [] : [form[k]]).filter((v): v is string => typeof v === "string" && v !== "");
  const same = form.sameForBoth === "on";
  const segment: Record<string, string[]> = {};
  if (text("kecamatan")) segment.kecamatanCodes = [text("kecamatan")];
  if (text("desa")) segment.desaCodes = [text("desa")];
  const roles = many("roles");
  if (roles.length) segment.roles = roles;
  return { name: text("name"), textId: text("textId"), ...(same ? { sameForBoth: true } : { textBjn: text("textBjn") || null }), segment };
}

function composeForm(ctx: PageContext, areas: { kecamatan: { code: string; name: string }[]; desa: { code: string; name: string }[] }): Html {
  const t = ctx.t;
  const vars = VARIABLES.map((v) => `{${v}}`).join(" ");
  const area = (name: string, label: string, items: { code: string; name: string }[]) =>
    html`<div><label for="c-${name}">${label}</label><select id="c-${name}" name="${name}"><option value="">${t("console:campaigns.anyArea")}</option>${items.map((i) => html`<option value="${i.code}">${i.name}</option>`)}</select></div>`;
  return html`<form method="post" action="/konsol/kampanye" id="compose" class="card">${csrfField(ctx)}<h2>${t("console:campaigns.compose")}</h2>
<label for="c-name">${t("console:fields.campaignName")}</label><input id="c-name" name="name" required maxlength="120">
<div class="side-by-side"><div><label for="c-textId">${t("console:fields.textId")}</label><textarea id="c-textId" name="textId" rows="6" required maxlength="${MAX_TEXT}" lang="id"></textarea></div>
<div><label for="c-textBjn">${t("console:fields.textBjn")}</label><textarea id="c-textBjn" name="textBjn" rows="6" maxlength="${MAX_TEXT}" lang="bjn"></textarea>
<label class="inline"><input type="checkbox" name="sameForBoth" id="c-same"> ${t("console:campaigns.sameForBoth")}</label></div></div>
<p class="hint">${t("console:campaigns.variables", { vars })}</p>
<fieldset><legend>${t("console:campaigns.audience")}</legend><div class="filters">${area("kecamatan", t("console:dashboard.area"), areas.kecamatan)}${area("desa", t("console:kader.desa"), areas.desa)}</div>
<p>${ROLES.map((r) => html`<label class="inline"><input type="checkbox" name="roles" value="${r}"> ${t(`console:campaigns.roles.${r}`)}</label> `)}</p></fieldset>
<button type="submit" data-busy="${t("console:busy")}">${t("console:campaigns.save")}</button></form>`;
}

function reportTable(ctx: PageContext, report: Report): Html {
  const t = ctx.t;
  const n = report.totals;
  const done = (n.sent ?? 0) + (n.failed ?? 0) + (n.skippedOptedOut ?? 0) + (n.noTemplate ?? 0) + (n.cancelled ?? 0);
  const percent = n.recipients ? (100 * done) / n.recipients : null;
  const rows = ["recipients", "pending", "queued", "sent", "delivered", "read", "failed", "skippedOptedOut", "noTemplate", "cancelled", "optedOutAfter", "replies", "resentUnknownOutcome"];
  return html`<section aria-labelledby="rep-h"><h2 id="rep-h">${t("console:campaigns.report")}</h2>
<p><progress id="progress" max="100" value="${percent === null ? 0 : Math.round(percent)}"></progress> <span data-field="progress">${formatPercent(percent)}</span> ${t("console:campaigns.processed")}</p>
<table class="data" id="report"><tbody>${rows.map((k) => html`<tr><th scope="row">${t(`console:campaigns.totals.${k}`)}</th><td class="num" data-field="${k}">${n[k] ?? 0}</td></tr>`)}</tbody></table></section>`;
}

async function campaignPage(deps: ConsoleDeps, request: FastifyRequest, reply: FastifyReply, id: string) {
  const ctx = await staffContext(deps, request, reply);
  if (!may(CAMPAIGNERS, ctx.me.account.role)) return reply.callNotFound();
  const t = ctx.t;
  const one = await callApi<{ campaign: Campaign }>(deps.app, request, "GET", `/api/v1/campaigns/${id}`);
  if (one.status === 404 || one.status === 400) return reply.callNotFound();
  if (!one.ok) throw Object.assign(new Error("campaign failed"), { statusCode: 502 });
  const c = one.body.campaign;
  const [audience, preview, report] = await Promise.all([
    callApi<Audience>(deps.app, request, "GET", `/api/v1/campaigns/${id}/audience`),
    callApi<Preview>(deps.app, request, "GET", `/api/v1/campaigns/${id}/preview`),
    callApi<Report>(deps.app, request, "GET", `/api/v1/campaigns/${id}/report`),
  ]);
  const status = report.ok ? report.body.status : c.status;
  const live = status === "running";
  // Approval is another Pokja admin's (the API refuses the rest; the button is not offered).
  const mayApprove = ctx.me.account.role === "pokja_admin" && c.createdBy !== ctx.me.account.id;
  const actions = (ACTIONS[status] ?? []).filter((a) => a.api !== "approve" || mayApprove).map(
    (a) => html`<form method="post" action="/konsol/kampanye/${c.id}/${a.path}" class="inline-form">${csrfField(ctx)}<button type="submit" class="${a.api === "cancel" ? "secondary" : ""}" data-busy="${t("console:busy")}">${t(`console:campaigns.actions.${a.api}`)}</button></form>`,
  );
  const body = html`<dl class="facts"><dt>${t("console:campaigns.col.status")}</dt><dd data-field="status">${t(`console:campaigns.status.${status}`, { defaultValue: status })}</dd>
<dt>${t("console:campaigns.audience")}</dt><dd data-field="audience">${audience.ok ? t("console:campaigns.count", { count: audience.body.total, id: audience.body.byLang.id ?? 0, bjn: audience.body.byLang.bjn ?? 0 }) : "–"}</dd></dl>
<div class="actions">${actions}</div>
${preview.ok ? html`<section aria-labelledby="pre-h"><h2 id="pre-h">${t("console:campaigns.preview")}</h2><div class="side-by-side"><div class="card" lang="id"><h3>${t("console:languages.id")}</h3><p class="asked" data-preview="id">${preview.body.id.text}</p></div><div class="card" lang="bjn"><h3>${t("console:languages.bjn")}</h3><p class="asked" data-preview="bjn">${preview.body.bjn.text}</p></div></div></section>` : ""}
${report.ok ? reportTable(ctx, report.body) : ""}
<p><a href="/konsol/kampanye">${t("console:campaigns.back")}</a></p>`;
  // While sending the report refreshes itself every 5 s (no script needed).
  const refresh = live ? raw(`<meta http-equiv="refresh" content="5">`) : "";
  void reply.header("cache-control", "no-store");
  return reply.type("text/html; charset=utf-8").send(layout(ctx, { title: `${t("console:campaigns.title")}: ${c.name}` }, html`${refresh}${body}`));
}

export function campaignRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get("/kampanye", async (request, reply) => {
    const ctx = await staffContext(deps, request, reply);
    if (!may(CAMPAIGNERS, ctx.me.account.role)) return reply.callNotFound();
    const t = ctx.t;
    const [list, kec, desa] = await Promise.all([
      callApi<{ items: Campaign[] }>(deps.app, request, "GET", "/api/v1/campaigns?limit=100"),
      callApi<{ items: { code: string; name: string }[] }>(deps.app, request, "GET", "/api/v1/areas?level=kecamatan&limit=200"),
      callApi<{ items: { code: string; name: string }[] }>(deps.app, request, "GET", "/api/v1/areas?level=desa&limit=200"),
    ]);
    if (!list.ok) throw Object.assign(new Error("campaigns failed"), { statusCode: 502 });
    const items = list.body.items;
    const body = html`${items.length
      ? html`<div class="scroll"><table class="data stack" id="campaigns"><thead><tr><th scope="col">${t("console:campaigns.col.name")}</th><th scope="col">${t("console:campaigns.col.status")}</th><th scope="col">${t("console:campaigns.col.created")}</th></tr></thead>
<tbody>${items.map((c) => html`<tr data-campaign="${c.id}"><th scope="row" data-label="${t("console:campaigns.col.name")}"><a href="/konsol/kampanye/${c.id}">${c.name}</a></th><td data-label="${t("console:campaigns.col.status")}">${t(`console:campaigns.status.${c.status}`, { defaultValue: c.status })}</td><td data-label="${t("console:campaigns.col.created")}">${formatDay(c.createdAt)}</td></tr>`)}</tbody></table></div>`
      : html`<p>${t("console:campaigns.none")}</p>`}
${composeForm(ctx, { kecamatan: kec.ok ? kec.body.items : [], desa: desa.ok ? desa.body.items : [] })}`;
    return reply.type("text/html; charset=utf-8").send(layout(ctx, { title: t("console:campaigns.title") }, body));
  });

  app.post<{ Body: Record<string, unknown> }>("/kampanye", { preValidation: app.csrfProtection }, async (request, reply) => {
    const back = "/konsol/kampanye";
    const payload = campaignFromForm(request.body ?? {});
    if (!payload.name) return redirectBack(reply, back, { galat: "validation_failed", kolom: "campaignName" });
    if (!payload.textId) return redirectBack(reply, back, { galat: "validation_failed", kolom: "textId" });
    const res = await callApi<{ campaign: { id: string } }>(deps.app, request, "POST", "/api/v1/campaigns", payload);
    if (res.status === 401) return reply.redirect("/konsol/masuk", 303);
    if (!res.ok) return redirectBack(reply, back, { galat: errorCode(res.body), kolom: errorField(res.body) });
    return redirectBack(reply, `/konsol/kampanye/${res.body.campaign.id}`, { ok: "campaignSaved" });
  });

  app.get<{ Params: { id: string } }>("/kampanye/:id", async (request, reply) => {
    if (!UUID.test(request.params.id)) return reply.callNotFound();
    return campaignPage(deps, request, reply, request.params.id);
  });

  const unique = new Map(Object.values(ACTIONS).flat().map((a) => [a.path, a]));
  for (const a of unique.values()) {
    app.post<{ Params: { id: string } }>(`/kampanye/:id/${a.path}`, { preValidation: app.csrfProtection }, async (request, reply) => {
      if (!UUID.test(request.params.id)) return redirectBack(reply, "/konsol/kampanye", { galat: "not_found" });
      const back = `/konsol/kampanye/${request.params.id}`;
      const res = await callApi(deps.app, request, "POST", `/api/v1/campaigns/${request.params.id}/${a.api}`, a.api === "send" ? {} : undefined);
      if (res.status === 401) return reply.redirect("/konsol/masuk", 303);
      return redirectBack(reply, back, res.ok ? { ok: a.done } : { galat: errorCode(res.body), kolom: errorField(res.body) });
    });
  }
}
