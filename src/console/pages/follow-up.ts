// Tindak lanjut: open referrals (urgent first) with acknowledge / outcome for those who follow
// them up, children who need a referral nobody made, children not measured lately; and a child's
// page with its z-score growth chart, measurements, referrals and reminders. All through the admin API.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { callApi, query } from "../api.js";
import { errorCode, redirectBack, safeReturn, staffContext, type ConsoleDeps } from "../context.js";
import { formatDay, formatNumber, formatZ } from "../format.js";
import { html, type Html } from "../html.js";
import { csrfField, layout, type PageContext } from "../layout.js";
import { FOLLOWERS, may } from "../nav.js";
import type { ChildReminders } from "../../reminders/index.js";
import { childCorrectionForm, measurementCorrectionForm } from "./corrections.js";

/** The outcomes a puskesmas records (src/growth/growth.sql.ts REFERRAL_OUTCOMES). */
const OUTCOMES = ["datang", "ditangani", "sembuh-membaik"] as const;

interface Referral {
  id: string;
  number: number;
  childId: string | null;
  childName: string | null;
  childCode: string | null;
  reasons: string[];
  /** "urgent" or "normal" (as the API sends it; any other value is shown as normal). */
  priority: string;
  status: "open" | "acknowledged" | "closed";
  outcome: string | null;
  createdAt: string;
  acknowledgedAt: string | null;
}
interface ChildOnList {
  childId: string;
  name: string;
  code: string;
  desaName: string | null;
  posyanduName: string | null;
  lastMeasuredOn: string | null;
  reasons?: string[];
}
interface FollowUp {
  unreferred: ChildOnList[];
  notMeasured: { months: number; total: number; items: ChildOnList[] };
}

/** Referral reasons in the words the chat uses (growth:reason.*). */
const reasonText = (ctx: PageContext, reasons: readonly string[]) =>
  reasons.map((r) => ctx.t(`growth:reason.${r}`, { defaultValue: r })).join(", ");
/** Why a child is on the "needs a referral" list (src/reports/follow-up.ts FollowUpReason). */
const listReasonText = (ctx: PageContext, reasons: readonly string[]) =>
  reasons.map((r) => ctx.t(`console:followUp.listReason.${r}`, { defaultValue: r })).join(", ");

function referralActions(ctx: PageContext, r: Referral, back: string): Html {
  if (!may(FOLLOWERS, ctx.me!.account.role) || r.status === "closed") return html``;
  const t = ctx.t;
  const acknowledge =
    r.status === "open"
      ? html`<form method="post" action="/konsol/rujukan/${r.id}/terima">${csrfField(ctx)}<input type="hidden" name="kembali" value="${back}"><button type="submit" data-busy="${t("console:busy")}">${t("console:followUp.acknowledge")}</button></form>`
      : "";
  const id = `outcome-${r.id}`;
  return html`${acknowledge}<form method="post" action="/konsol/rujukan/${r.id}/hasil" class="inline">${csrfField(ctx)}<input type="hidden" name="kembali" value="${back}">
  <label for="${id}">${t("console:followUp.outcome")}</label>
  <select id="${id}" name="outcome" required><option value="">${t("console:followUp.choose")}</option>${OUTCOMES.map((o) => html`<option value="${o}">${t(`console:outcomes.${o}`)}</option>`)}</select>
  <button type="submit" data-busy="${t("console:busy")}">${t("console:followUp.saveOutcome")}</button></form>`;
}

function referralTable(ctx: PageContext, items: Referral[], back: string, withChild = true): Html {
  const t = ctx.t;
  if (items.length === 0) return html`<p>${t("console:followUp.noReferrals")}</p>`;
  const rows = items.map(
    (r) => html`<tr data-referral="${r.id}" class="${r.priority === "urgent" ? "urgent" : ""}">
  <th scope="row" data-label="${t("console:followUp.col.number")}">R-${r.number}${r.priority === "urgent" ? html` <strong class="tag">${t("console:followUp.urgent")}</strong>` : ""}</th>
  ${withChild ? html`<td data-label="${t("console:followUp.col.child")}">${r.childId ? html`<a href="/konsol/anak/${r.childId}">${r.childName ?? "–"}</a> (${r.childCode ?? ""})` : t("console:followUp.pregnancy")}</td>` : ""}
  <td data-label="${t("console:followUp.col.reasons")}">${reasonText(ctx, r.reasons)}</td>
  <td data-label="${t("console:followUp.col.date")}">${formatDay(r.createdAt)}</td>
  <td data-field="status" data-label="${t("console:followUp.col.status")}">${t(`console:referralStatus.${r.status}`)}${r.outcome ? html` · ${t(`console:outcomes.${r.outcome}`, { defaultValue: r.outcome })}` : ""}</td>
  <td class="actions" data-label="${t("console:followUp.col.action")}">${referralActions(ctx, r, back)}</td>
</tr>`,
  );
  return html`<div class="scroll"><table class="data referrals stack">
  <thead><tr><th scope="col">${t("console:followUp.col.number")}</th>${withChild ? html`<th scope="col">${t("console:followUp.col.child")}</th>` : ""}<th scope="col">${t("console:followUp.col.reasons")}</th><th scope="col">${t("console:followUp.col.date")}</th><th scope="col">${t("console:followUp.col.status")}</th><th scope="col">${t("console:followUp.col.action")}</th></tr></thead>
  <tbody>${rows}</tbody></table></div>`;
}

function childList(ctx: PageContext, items: ChildOnList[], empty: string): Html {
  const t = ctx.t;
  if (items.length === 0) return html`<p>${empty}</p>`;
  return html`<ul class="children">${items.map(
    (c) =>
      html`<li><a href="/konsol/anak/${c.childId}">${c.name}</a> (${c.code}) · ${c.posyanduName ?? c.desaName ?? ""} · ${t("console:followUp.lastMeasured")}: ${c.lastMeasuredOn ? formatDay(c.lastMeasuredOn) : "–"}${c.reasons?.length ? html` · <strong>${listReasonText(ctx, c.reasons)}</strong>` : ""}</li>`,
  )}</ul>`;
}

/** Open and acknowledged referrals of the caller's area, urgent first, then the newest. */
async function openReferrals(deps: ConsoleDeps, request: FastifyRequest): Promise<Referral[] | null> {
  const [open, acked] = await Promise.all(
    (["open", "acknowledged"] as const).map((status) =>
      callApi<{ items: Referral[] }>(deps.app, request, "GET", `/api/v1/referrals${query({ status, limit: 200 })}`),
    ),
  );
  if (!open?.ok || !acked?.ok) return null;
  return [...open.body.items, ...acked.body.items].sort(
    (a, b) => Number(b.priority === "urgent") - Number(a.priority === "urgent") || b.createdAt.localeCompare(a.createdAt),
  );
}

interface Measurement {
  id: string;
  measuredOn: string;
  ageDays: number | null;
  weightKg: number | null;
  lengthCm: number | null;
  zlen: number | null;
  zwei: number | null;
  zwfl: number | null;
  statusTbu: string | null;
  statusBbu: string | null;
  statusBbtb: string | null;
  cancelledAt: string | null;
  source: string | null;
}
interface ChildDetail {
  child: { id: string; name: string; code: string; sex: string; birthDate: string; motherName: string | null };
  measurements: Measurement[];
}

const AVERAGE_MONTH_DAYS = 30.4375;

function growthSection(ctx: PageContext, measurements: Measurement[], childId: string): Html {
  const t = ctx.t;
  const valid = measurements.filter((m) => !m.cancelledAt && m.ageDays !== null).sort((a, b) => (a.ageDays ?? 0) - (b.ageDays ?? 0));
  const point = (m: Measurement, z: number | null) =>
    z === null ? null : { x: Math.round(((m.ageDays ?? 0) / AVERAGE_MONTH_DAYS) * 10) / 10, y: z };
  const chart = {
    kind: "growth",
    axisX: t("console:child.ageAxis"),
    axisY: t("console:child.zAxis"),
    series: (["zlen", "zwei", "zwfl"] as const).map((k) => ({
      label: t(`console:child.${k}`),
      points: valid.map((m) => point(m, m[k])).filter(Boolean),
    })),
  };
  const heading = t("console:child.chart");
  const rows = measurements.map(
    (
      m,
    ) => html`<tr class="${m.cancelledAt ? "cancelled" : ""}"><th scope="row">${formatDay(m.measuredOn)}${m.cancelledAt ? html` <span class="tag">${t("console:child.cancelled")}</span>` : ""}</th>
  <td class="num">${formatNumber(m.weightKg)}</td><td class="num">${formatNumber(m.lengthCm)}</td>
  <td class="num">${formatZ(m.zlen)}</td><td class="num">${formatZ(m.zwei)}</td><td class="num">${formatZ(m.zwfl)}</td>
  <td>${(
    [
      ["tbu", m.statusTbu],
      ["bbu", m.statusBbu],
      ["bbtb", m.statusBbtb],
    ] as const
  )
    .filter(([, code]) => code)
    .map(([index, code]) => t(`growth:status.${index}.${code}`, { defaultValue: code }))
    .join(", ")}</td>
  <td>${m.cancelledAt ? "" : measurementCorrectionForm(ctx, m, childId)}</td></tr>`,
  );
  return html`<section aria-labelledby="growth-h"><h2 id="growth-h">${heading}</h2>
  <figure class="chart"><div class="chart-box"><canvas role="img" aria-label="${heading}" data-chart="${JSON.stringify(chart)}"></canvas></div>
  <figcaption class="hint">${t("console:child.chartHint")}</figcaption></figure>
  <div class="scroll"><table class="data" id="measurements">
  <caption>${t("console:child.measurements")}</caption>
  <thead><tr><th scope="col">${t("console:child.col.date")}</th><th scope="col">${t("console:child.col.weight")}</th><th scope="col">${t("console:child.col.length")}</th><th scope="col">${t("console:child.zlen")}</th><th scope="col">${t("console:child.zwei")}</th><th scope="col">${t("console:child.zwfl")}</th><th scope="col">${t("console:child.col.status")}</th><th scope="col">${t("console:correct.column")}</th></tr></thead>
  <tbody>${rows}</tbody></table></div></section>`;
}

/** The child's reminders (GET /api/v1/children/:id/reminders), newest first. */
function remindersSection(ctx: PageContext, r: ChildReminders): Html {
  const t = ctx.t;
  const heading = t("console:child.reminders");
  if (!r.plans.length)
    return html`<section aria-labelledby="rem-h"><h2 id="rem-h">${heading}</h2><p>${t("console:child.noReminders")}</p></section>`;
  const plans = r.plans.map(
    (p) =>
      html`<li data-plan="${p.programme}">${t(`console:child.programmes.${p.programme}`, { defaultValue: p.programme })}: ${t(`console:child.planStatus.${p.status}`, { defaultValue: p.status })}${p.nextDue ? ` · ${t("console:child.nextDue", { date: formatDay(p.nextDue) })}` : ""}</li>`,
  );
  const what = (i: ChildReminders["items"][number]) => {
    const name = t(`console:child.reminderKinds.${i.kind}`, { defaultValue: i.kind });
    const detail =
      typeof i.vars.vaccine === "string" ? ` (${i.vars.vaccine})` : typeof i.vars.visit === "string" ? ` (${i.vars.visit})` : "";
    return html`${name}${detail}${i.followUp ? html` <span class="tag">${t(i.followUp === 1 ? "console:child.followUpAsk" : "console:child.followUpAgain")}</span>` : ""}`;
  };
  const rows = [...r.items].reverse().map(
    (
      i,
    ) => html`<tr data-reminder="${i.id}" data-status="${i.status}"><th scope="row">${what(i)}</th><td>${formatDay(i.dueDate)} – ${formatDay(i.untilDate)}</td>
<td data-field="status">${t(`console:child.reminderStatus.${i.status}`)}</td><td>${i.sentAt ? formatDay(i.sentAt) : "–"}</td><td>${i.confirmedAt ? formatDay(i.confirmedAt) : "–"}</td></tr>`,
  );
  return html`<section aria-labelledby="rem-h"><h2 id="rem-h">${heading}</h2><ul class="plain" id="plans">${plans}</ul>
${
  r.items.length
    ? html`<div class="scroll"><table class="data" id="reminders"><caption>${t("console:child.remindersCaption")}</caption>
<thead><tr><th scope="col">${t("console:child.col.reminder")}</th><th scope="col">${t("console:child.col.window")}</th><th scope="col">${t("console:child.col.status")}</th><th scope="col">${t("console:child.col.sent")}</th><th scope="col">${t("console:child.col.confirmed")}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
    : html`<p>${t("console:child.noRemindersYet")}</p>`
}</section>`;
}

interface ActionRoute {
  Params: { id: string };
  Body: { kembali?: string; outcome?: string };
}

export function followUpRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get("/tindak-lanjut", async (request, reply) => {
    const ctx = await staffContext(deps, request, reply);
    const t = ctx.t;
    const [referrals, report] = await Promise.all([
      openReferrals(deps, request),
      callApi<FollowUp>(deps.app, request, "GET", "/api/v1/reports/follow-up?limit=100"),
    ]);
    const back = "/konsol/tindak-lanjut";
    const body = html`<section aria-labelledby="ref-h"><h2 id="ref-h">${t("console:followUp.openReferrals")}</h2>
${referrals ? referralTable(ctx, referrals, back) : html`<p role="alert">${t("console:errors.generic")}</p>`}</section>
${
  report.ok
    ? html`<section aria-labelledby="unref-h"><h2 id="unref-h">${t("console:followUp.unreferred")}</h2>${childList(ctx, report.body.unreferred, t("console:followUp.noneUnreferred"))}</section>
<section aria-labelledby="nm-h"><h2 id="nm-h">${t("console:followUp.notMeasured", { months: report.body.notMeasured.months, total: report.body.notMeasured.total })}</h2>${childList(ctx, report.body.notMeasured.items, t("console:followUp.noneNotMeasured"))}</section>`
    : ""
}`;
    return reply.type("text/html; charset=utf-8").send(layout(ctx, { title: t("console:followUp.title") }, body));
  });

  app.get<{ Params: { id: string } }>("/anak/:id", async (request, reply) => {
    const ctx = await staffContext(deps, request, reply);
    const t = ctx.t;
    if (!/^[0-9a-f-]{36}$/i.test(request.params.id)) return reply.callNotFound();
    const [detail, referrals, reminders] = await Promise.all([
      callApi<ChildDetail>(deps.app, request, "GET", `/api/v1/children/${request.params.id}`),
      callApi<{ items: Referral[] }>(deps.app, request, "GET", "/api/v1/referrals?limit=200"),
      callApi<ChildReminders>(deps.app, request, "GET", `/api/v1/children/${request.params.id}/reminders`),
    ]);
    if (!detail.ok) return reply.callNotFound();
    const c = detail.body.child;
    const mine = referrals.ok ? referrals.body.items.filter((r) => r.childId === c.id) : [];
    const back = `/konsol/anak/${c.id}`;
    const body = html`<dl class="facts">
  <dt>${t("console:child.code")}</dt><dd>${c.code}</dd>
  <dt>${t("console:child.sex")}</dt><dd>${t(`console:sex.${c.sex}`, { defaultValue: c.sex })}</dd>
  <dt>${t("console:child.birthDate")}</dt><dd>${formatDay(c.birthDate)}</dd>
  <dt>${t("console:child.mother")}</dt><dd>${c.motherName ?? "–"}</dd>
</dl>
${childCorrectionForm(ctx, c)}
${growthSection(ctx, detail.body.measurements, c.id)}
<section aria-labelledby="cref-h"><h2 id="cref-h">${t("console:child.referrals")}</h2>${referralTable(ctx, mine, back, false)}</section>
${reminders.ok ? remindersSection(ctx, reminders.body) : html`<p role="alert">${t("console:errors.generic")}</p>`}`;
    return reply.type("text/html; charset=utf-8").send(layout(ctx, { title: c.name, charts: true }, body));
  });

  const act = (path: "acknowledge" | "outcome", done: string) => async (request: FastifyRequest<ActionRoute>, reply: FastifyReply) => {
    const back = safeReturn(request.body?.kembali, "/konsol/tindak-lanjut");
    if (!/^[0-9a-f-]{36}$/i.test(request.params.id)) return redirectBack(reply, back, { galat: "not_found" });
    const payload = path === "outcome" ? { outcome: request.body?.outcome ?? "" } : undefined;
    const res = await callApi(deps.app, request, "POST", `/api/v1/referrals/${request.params.id}/${path}`, payload);
    if (res.status === 401) return reply.redirect("/konsol/masuk", 303);
    return redirectBack(reply, back, res.ok ? { ok: done } : { galat: errorCode(res.body) });
  };
  app.post<ActionRoute>("/rujukan/:id/terima", { preValidation: app.csrfProtection.bind(app) }, act("acknowledge", "acknowledged"));
  app.post<ActionRoute>("/rujukan/:id/hasil", { preValidation: app.csrfProtection.bind(app) }, act("outcome", "outcomeSaved"));
}
