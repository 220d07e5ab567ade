// Log audit (Pokja only): who changed what and when, newest first, filtered by entity, action
// and person, 50 at a time. Through GET /api/v1/audit; the before/after rows stay in the API.
import type { FastifyInstance } from "fastify";
import { callApi, query } from "../api.js";
import { staffContext, type ConsoleDeps } from "../context.js";
import { html } from "../html.js";
import { layout } from "../layout.js";
import { ADMINS, may } from "../nav.js";

interface Entry {
  id: number;
  at: string;
  actorKind: string;
  actorAccountId: string | null;
  action: string;
  entity: string;
  entityId: string;
  reason: string | null;
}

const PAGE = 50;
/** Entities the service records (recordAudit calls), offered as suggestions; any other may be typed. */
const ENTITIES = [
  "account",
  "api_token",
  "contact",
  "child",
  "measurement",
  "referral",
  "handoff_question",
  "puskesmas",
  "posyandu",
  "faq_topic",
  "export",
  "import",
  "people",
  "growth_setting",
  "desa_lokus",
];
/** The API's filter bounds (src/admin/routes/audit.ts). */
const FILTER = /^[\w.:-]{1,40}$/;
const TIME = new Intl.DateTimeFormat("id-ID", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Makassar" });

export function auditRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get<{ Querystring: Record<string, unknown> }>("/akun/audit", async (request, reply) => {
    const ctx = await staffContext(deps, request, reply);
    if (!may(ADMINS, ctx.me.account.role)) return reply.callNotFound();
    const t = ctx.t;
    const pick = (v: unknown) => (typeof v === "string" && FILTER.test(v.trim()) ? v.trim() : undefined);
    const entity = pick(request.query.entitas);
    const action = pick(request.query.tindakan);
    const actor = typeof request.query.oleh === "string" && /^[0-9a-f-]{36}$/i.test(request.query.oleh) ? request.query.oleh : undefined;
    const offset = Math.max(0, Math.min(1_000_000, Math.floor(Number(request.query.dari) || 0)));
    const [log, people] = await Promise.all([
      callApi<{ items: Entry[]; total: number }>(
        deps.app,
        request,
        "GET",
        `/api/v1/audit${query({ entity, action, actorAccountId: actor, limit: PAGE, offset })}`,
      ),
      callApi<{ items: { id: string; username: string; name: string }[] }>(deps.app, request, "GET", "/api/v1/accounts?limit=200"),
    ]);
    if (!log.ok) throw Object.assign(new Error("audit failed"), { statusCode: 502 });
    const names = new Map((people.ok ? people.body.items : []).map((p) => [p.id, `${p.name} (${p.username})`]));
    const who = (e: Entry) =>
      e.actorAccountId
        ? (names.get(e.actorAccountId) ?? e.actorAccountId)
        : t(`console:audit.actor.${e.actorKind}`, { defaultValue: e.actorKind });
    const link = (from: number) =>
      `/konsol/akun/audit${query({ entitas: entity, tindakan: action, oleh: actor, dari: from || undefined })}`;
    const { items, total } = log.body;
    const body = html`<form method="get" action="/konsol/akun/audit" class="filters" id="audit-filters">
<div><label for="entitas">${t("console:audit.entity")}</label><input id="entitas" name="entitas" value="${entity ?? ""}" maxlength="40" list="entity-names" placeholder="account"><datalist id="entity-names">${ENTITIES.map((e) => html`<option value="${e}"></option>`)}</datalist></div>
<div><label for="tindakan">${t("console:audit.action")}</label><input id="tindakan" name="tindakan" value="${action ?? ""}" maxlength="40" placeholder="account.create"></div>
<div><label for="oleh">${t("console:audit.actorLabel")}</label><select id="oleh" name="oleh"><option value="">${t("console:audit.anyone")}</option>${(people.ok ? people.body.items : []).map((p) => html`<option value="${p.id}"${p.id === actor ? html` selected` : ""}>${p.name} (${p.username})</option>`)}</select></div>
<div><button type="submit">${t("console:dashboard.show")}</button></div></form>
<p class="hint">${t("console:audit.hint")}</p>
${
  items.length
    ? html`<div class="scroll"><table class="data stack" id="audit"><caption>${t("console:audit.shown", { from: offset + 1, to: offset + items.length, total })}</caption>
<thead><tr><th scope="col">${t("console:audit.when")}</th><th scope="col">${t("console:audit.actorLabel")}</th><th scope="col">${t("console:audit.action")}</th><th scope="col">${t("console:audit.entity")}</th><th scope="col">${t("console:audit.reason")}</th></tr></thead>
<tbody>${items.map(
        (
          e,
        ) => html`<tr data-entry="${e.id}"><th scope="row" data-label="${t("console:audit.when")}">${TIME.format(new Date(e.at))}</th><td data-label="${t("console:audit.actorLabel")}">${who(e)}</td>
<td data-label="${t("console:audit.action")}" data-field="action"><code>${e.action}</code></td><td data-label="${t("console:audit.entity")}">${e.entity} <span class="hint">${e.entityId}</span></td><td data-label="${t("console:audit.reason")}">${e.reason ?? "–"}</td></tr>`,
      )}</tbody></table></div>
<p>${offset > 0 ? html`<a href="${link(Math.max(0, offset - PAGE))}">${t("console:audit.newer")}</a> ` : ""}${offset + items.length < total ? html`<a href="${link(offset + PAGE)}" id="audit-older">${t("console:audit.older")}</a>` : ""}</p>`
    : html`<p>${t("console:audit.empty")}</p>`
}
<p><a href="/konsol/akun">${t("console:account.title")}</a></p>`;
    return reply.type("text/html; charset=utf-8").send(layout(ctx, { title: t("console:audit.title") }, body));
  });
}
