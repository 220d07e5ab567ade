// Kader: new kader who registered by chat wait here; approve one (assigning a posyandu of their
// desa; the kader is told in chat) or refuse with a reason; the active kader of the area, each of
// whom can be deactivated with a reason (audited, told in chat); and each posyandu's reporting this
// month (children weighed / registered, from SKDN). Through /api/v1/kader-approvals, /people,
// /kaders/:id/deactivate and /reports/skdn.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { localDateOf } from "../../reminders/dates.js";
import { callApi, query } from "../api.js";
import { errorCode, errorField, redirectBack, staffContext, type ConsoleDeps } from "../context.js";
import { formatDay, formatMonth, formatPercent } from "../format.js";
import { html, type Html } from "../html.js";
import { csrfField, layout, type PageContext } from "../layout.js";
import { APPROVERS, may } from "../nav.js";

interface PendingKader {
  id: string;
  name: string | null;
  desaCode: string | null;
  lang: string;
  lastInboundAt: string | null;
  channels: { channel: string; phone: string | null }[];
}
interface ActiveKader {
  id: string;
  name: string | null;
  desaCode: string | null;
  posyanduId: string | null;
  lastInboundAt: string | null;
}
interface Posyandu {
  id: string;
  name: string;
  desaCode: string;
}
interface SkdnRow {
  posyanduId: string;
  name: string;
  desaCode: string;
  all: { S: number; D: number; "D/S": number | null };
}

function pendingCard(ctx: PageContext, k: PendingKader, units: Posyandu[], desaName: (code: string | null) => string): Html {
  const t = ctx.t;
  const mine = units.filter((u) => u.desaCode === k.desaCode);
  const phones = k.channels.map((c) => `${c.channel}${c.phone ? ` ${c.phone}` : ""}`).join(", ");
  return html`<article class="card" data-kader="${k.id}" aria-labelledby="k-${k.id}">
  <h3 id="k-${k.id}">${k.name ?? t("console:kader.noName")}</h3>
  <p>${t("console:kader.desa")}: ${desaName(k.desaCode)} · ${phones}${k.lastInboundAt ? html` · ${t("console:kader.lastMessage")}: ${formatDay(k.lastInboundAt)}` : ""}</p>
  ${
    mine.length
      ? html`<form method="post" action="/konsol/kader/${k.id}/setujui">${csrfField(ctx)}
    <label for="py-${k.id}">${t("console:kader.posyandu")}</label>
    <select id="py-${k.id}" name="posyanduId" required>${mine.map((u) => html`<option value="${u.id}">${u.name}</option>`)}</select>
    <button type="submit" data-busy="${t("console:busy")}">${t("console:kader.approve")}</button></form>`
      : html`<p class="flash error">${t("console:kader.noPosyandu")}</p>`
  }
  <details><summary>${t("console:kader.refuse")}</summary>
  <form method="post" action="/konsol/kader/${k.id}/tolak">${csrfField(ctx)}
    <label for="why-${k.id}">${t("console:kader.reason")}</label><input id="why-${k.id}" name="reason" required minlength="3" maxlength="500">
    <button type="submit" class="secondary" data-busy="${t("console:busy")}">${t("console:kader.refuseSubmit")}</button></form></details>
</article>`;
}

function reportingTable(ctx: PageContext, month: string, rows: SkdnRow[], desaName: (code: string | null) => string): Html {
  const t = ctx.t;
  const heading = t("console:kader.reporting", { month: formatMonth(month) });
  return html`<section aria-labelledby="rep-h"><h2 id="rep-h">${heading}</h2>
<div class="scroll"><table class="data" id="reporting"><caption>${heading}</caption>
<thead><tr><th scope="col">${t("console:dashboard.col.posyandu")}</th><th scope="col">${t("console:kader.desa")}</th><th scope="col">${t("console:kader.weighed")}</th><th scope="col">D/S</th></tr></thead>
<tbody>${rows.map((r) => html`<tr data-posyandu="${r.posyanduId}" class="${r.all.D === 0 ? "small-n" : ""}"><th scope="row">${r.name}</th><td>${desaName(r.desaCode)}</td><td class="num">${r.all.D}/${r.all.S}</td><td class="num">${formatPercent(r.all["D/S"])}</td></tr>`)}</tbody>
</table></div></section>`;
}

function activeTable(
  ctx: PageContext,
  items: ActiveKader[],
  unitName: (id: string | null) => string,
  desaName: (code: string | null) => string,
): Html {
  const t = ctx.t;
  const col = (k: string) => t(`console:kader.col.${k}`);
  if (!items.length) return html`<p>${t("console:kader.noneActive")}</p>`;
  return html`<div class="scroll"><table class="data stack" id="active-kader"><thead><tr><th scope="col">${col("name")}</th><th scope="col">${col("posyandu")}</th><th scope="col">${col("desa")}</th><th scope="col">${col("last")}</th><th scope="col">${col("action")}</th></tr></thead>
<tbody>${items.map(
    (
      k,
    ) => html`<tr data-active-kader="${k.id}"><th scope="row" data-label="${col("name")}">${k.name ?? t("console:kader.noName")}</th><td data-label="${col("posyandu")}">${unitName(k.posyanduId)}</td><td data-label="${col("desa")}">${desaName(k.desaCode)}</td>
<td data-label="${col("last")}">${k.lastInboundAt ? formatDay(k.lastInboundAt) : "–"}</td>
<td class="actions" data-label="${col("action")}"><details><summary>${t("console:kader.deactivate")}</summary>
<form method="post" action="/konsol/kader/${k.id}/nonaktifkan">${csrfField(ctx)}<label for="off-${k.id}">${t("console:kader.deactivateReason")}</label><input id="off-${k.id}" name="reason" required minlength="3" maxlength="500">
<p class="hint">${t("console:kader.deactivateHint")}</p><button type="submit" class="secondary" data-busy="${t("console:busy")}">${t("console:kader.deactivateSubmit")}</button></form></details></td></tr>`,
  )}</tbody></table></div>`;
}

interface ActionRoute {
  Params: { id: string };
  Body: { posyanduId?: string; reason?: string };
}

export function kaderRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get("/kader", async (request, reply) => {
    const ctx = await staffContext(deps, request, reply);
    if (!may(APPROVERS, ctx.me.account.role)) return reply.callNotFound();
    const month = localDateOf(deps.rt.clock.now()).slice(0, 7);
    const [pending, active, units, desa, skdn] = await Promise.all([
      callApi<{ items: PendingKader[] }>(deps.app, request, "GET", "/api/v1/kader-approvals?limit=200"),
      callApi<{ items: ActiveKader[]; total: number }>(deps.app, request, "GET", "/api/v1/people?role=kader&kaderStatus=active&limit=200"),
      callApi<{ items: Posyandu[] }>(deps.app, request, "GET", "/api/v1/posyandu?limit=200"),
      callApi<{ items: { code: string; name: string }[] }>(deps.app, request, "GET", "/api/v1/areas?level=desa&limit=200"),
      callApi<{ posyandu: SkdnRow[] }>(deps.app, request, "GET", `/api/v1/reports/skdn${query({ month })}`),
    ]);
    if (!pending.ok || !units.ok) throw Object.assign(new Error("kader page failed"), { statusCode: 502 });
    const names = new Map((desa.ok ? desa.body.items : []).map((d) => [d.code, d.name]));
    const desaName = (code: string | null) => (code ? (names.get(code) ?? code) : "–");
    const unitNames = new Map(units.body.items.map((u) => [u.id, u.name]));
    const unitName = (id: string | null) => (id ? (unitNames.get(id) ?? "–") : "–");
    const t = ctx.t;
    const body = html`<section aria-labelledby="pend-h"><h2 id="pend-h">${t("console:kader.pending", { count: pending.body.items.length })}</h2>
${pending.body.items.length ? pending.body.items.map((k) => pendingCard(ctx, k, units.body.items, desaName)) : html`<p>${t("console:kader.nonePending")}</p>`}</section>
<section aria-labelledby="act-h"><h2 id="act-h">${t("console:kader.active", { count: active.ok ? active.body.total : 0 })}</h2>
${active.ok ? activeTable(ctx, active.body.items, unitName, desaName) : html`<p role="alert">${t("console:errors.generic")}</p>`}</section>
${skdn.ok ? reportingTable(ctx, month, skdn.body.posyandu, desaName) : ""}`;
    return reply.type("text/html; charset=utf-8").send(layout(ctx, { title: t("console:kader.title") }, body));
  });

  const act =
    (path: "approve" | "reject" | "deactivate", done: string) => async (request: FastifyRequest<ActionRoute>, reply: FastifyReply) => {
      const back = "/konsol/kader";
      if (!/^[0-9a-f-]{36}$/i.test(request.params.id)) return redirectBack(reply, back, { galat: "not_found" });
      const field = (v: unknown) => (typeof v === "string" ? v.trim() : "");
      const payload = path === "approve" ? { posyanduId: field(request.body?.posyanduId) } : { reason: field(request.body?.reason) };
      const url =
        path === "deactivate" ? `/api/v1/kaders/${request.params.id}/deactivate` : `/api/v1/kader-approvals/${request.params.id}/${path}`;
      const res = await callApi(deps.app, request, "POST", url, payload);
      if (res.status === 401) return reply.redirect("/konsol/masuk", 303);
      return redirectBack(reply, back, res.ok ? { ok: done } : { galat: errorCode(res.body), kolom: errorField(res.body) });
    };
  app.post<ActionRoute>("/kader/:id/setujui", { preValidation: app.csrfProtection.bind(app) }, act("approve", "kaderApproved"));
  app.post<ActionRoute>("/kader/:id/tolak", { preValidation: app.csrfProtection.bind(app) }, act("reject", "kaderRefused"));
  app.post<ActionRoute>("/kader/:id/nonaktifkan", { preValidation: app.csrfProtection.bind(app) }, act("deactivate", "kaderDeactivated"));
}
