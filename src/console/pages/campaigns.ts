// Kampanye: compose a broadcast (Indonesian and Banjar side by side, optional buttons), choose who
// gets it (area, role, language, channel, pregnancy, child age and growth, inactivity) and see how
// many, when it goes (when sent, at a time, or repeating until an end date), submit it (for
// approval when regency-wide), approve, send or schedule, pause/resume/cancel, and follow the
// delivery report live, with its per-recipient CSV. Through /api/v1/campaigns. The compose form,
// its reading and the report are campaign-compose.ts, campaign-form.ts and campaign-report.ts.
import { DateTime } from "luxon";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { CampaignButton, CampaignRepeat } from "../../campaigns/compose.js";
import type { Segment } from "../../campaigns/segment.js";
import { callApi } from "../api.js";
import { errorCode, errorField, redirectBack, staffContext, textsOf, type ConsoleDeps } from "../context.js";
import { formatDay } from "../format.js";
import { html, raw, type Html } from "../html.js";
import { csrfField, layout, type PageContext } from "../layout.js";
import { CAMPAIGNERS, may } from "../nav.js";
import { composeForm, type Area, type Topic } from "./campaign-compose.js";
import { campaignFromForm, segmentFromForm, type Form } from "./campaign-form.js";
import { reportTable, type Report } from "./campaign-report.js";

interface Campaign {
  id: string;
  name: string;
  status: string;
  textId: string;
  textBjn: string | null;
  sameForBoth: boolean;
  buttons: CampaignButton[];
  segment: Segment;
  sendAt: string | null;
  repeat: CampaignRepeat | null;
  needsApproval: boolean;
  createdBy: string | null;
  createdAt: string;
}
interface Audience {
  total: number;
  byLang: Record<string, number>;
}
interface Preview {
  id: { text: string };
  bjn: { text: string };
}
const UUID = /^[0-9a-f-]{36}$/i;
/** What each status allows (src/campaigns/manage.ts). */
const CANCEL = { path: "batal", api: "cancel", done: "campaignCancelled" };
const PAUSE = { path: "jeda", api: "pause", done: "campaignPaused" };
const ACTIONS: Record<string, { path: string; api: string; done: string }[]> = {
  draft: [{ path: "ajukan", api: "submit", done: "campaignSubmitted" }],
  awaiting_approval: [{ path: "setujui", api: "approve", done: "campaignApproved" }, CANCEL],
  approved: [{ path: "kirim", api: "send", done: "campaignSending" }, CANCEL],
  scheduled: [PAUSE, CANCEL],
  running: [PAUSE, CANCEL],
  paused: [{ path: "lanjut", api: "resume", done: "campaignResumed" }, CANCEL],
};

/** "5 Des 2026 08.00" in the service's zone. */
function localTime(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone }).setLocale("id").toFormat("d LLL yyyy HH.mm");
}

/** When a campaign goes, in words. */
export function timingText(t: PageContext["t"], c: Pick<Campaign, "sendAt" | "repeat">, zone: string): string {
  const r = c.repeat;
  if (r) {
    const until = formatDay(r.until);
    if (r.every === "weekly")
      return t("console:campaigns.when.weekly", {
        days: (r.weekdays ?? []).map((d) => t(`console:campaigns.weekdays.${d}`)).join(", "),
        time: r.time,
        until,
      });
    if (r.every === "monthly") return t("console:campaigns.when.monthly", { day: r.dayOfMonth ?? 1, time: r.time, until });
    return t("console:campaigns.when.daily", { time: r.time, until });
  }
  return c.sendAt ? t("console:campaigns.when.once", { at: localTime(c.sendAt, zone) }) : t("console:campaigns.when.manual");
}

/** The segment's filters, one line each ("Semua penerima di wilayah saya" without any). */
function segmentLines(t: PageContext["t"], s: Segment, areaName: (code: string) => string): string[] {
  const out: string[] = [];
  const line = (key: string, value: string) => out.push(`${t(`console:campaigns.filters.${key}`)}: ${value}`);
  if (s.kecamatanCodes?.length) line("kecamatan", s.kecamatanCodes.map(areaName).join(", "));
  if (s.desaCodes?.length) line("desa", s.desaCodes.map(areaName).join(", "));
  if (s.posyanduIds?.length) line("posyandu", String(s.posyanduIds.length));
  if (s.roles?.length) line("roles", s.roles.map((r) => t(`console:campaigns.roles.${r}`)).join(", "));
  if (s.langs?.length) line("langs", s.langs.map((l) => t(`console:languages.${l}`)).join(", "));
  if (s.channels?.length) line("channels", s.channels.map((ch) => t(`console:campaigns.channels.${ch}`)).join(", "));
  if (s.pregnancy?.trimesters?.length) line("trimesters", s.pregnancy.trimesters.join(", "));
  if (s.pregnancy?.weeksMin !== undefined || s.pregnancy?.weeksMax !== undefined)
    line("weeks", `${s.pregnancy.weeksMin ?? 0}–${s.pregnancy.weeksMax ?? 45}`);
  if (s.childAgeMonths) line("childAge", `${s.childAgeMonths.min ?? 0}–${s.childAgeMonths.max ?? 72}`);
  if (s.childGrowth?.length) line("growth", s.childGrowth.map((g) => t(`console:campaigns.growth.${g}`)).join(", "));
  if (s.childNotMeasuredMonths) line("notMeasured", String(s.childNotMeasuredMonths));
  if (s.registeredSince) line("registeredSince", formatDay(s.registeredSince));
  if (s.notSeenDays) line("notSeenDays", String(s.notSeenDays));
  if (s.excludeInDialogue) out.push(t("console:campaigns.filters.excludeInDialogue"));
  return out.length ? out : [t("console:campaigns.filters.everyone")];
}

function buttonsList(ctx: PageContext, buttons: CampaignButton[], topics: Topic[]): Html {
  const t = ctx.t;
  if (!buttons.length) return html`${t("console:campaigns.noButtons")}`;
  const title = (id: string) => topics.find((tp) => tp.id === id)?.texts.id.title ?? id;
  return html`<ul class="plain" id="buttons">${buttons.map(
    (b) =>
      html`<li>${b.label.id}${b.label.bjn ? ` / ${b.label.bjn}` : ""} <span class="hint">(${b.kind === "faq" ? t("console:campaigns.buttonFaqOf", { topic: title(b.topicId) }) : t("console:campaigns.buttonReply")})</span></li>`,
  )}</ul>`;
}

async function campaignPage(deps: ConsoleDeps, request: FastifyRequest, reply: FastifyReply, id: string) {
  const ctx = await staffContext(deps, request, reply);
  if (!may(CAMPAIGNERS, ctx.me.account.role)) return reply.callNotFound();
  const t = ctx.t;
  const zone = deps.rt.config.TIMEZONE;
  const one = await callApi<{ campaign: Campaign }>(deps.app, request, "GET", `/api/v1/campaigns/${id}`);
  if (one.status === 404 || one.status === 400) return reply.callNotFound();
  if (!one.ok) throw Object.assign(new Error("campaign failed"), { statusCode: 502 });
  const c = one.body.campaign;
  const [audience, preview, report, topics, areas] = await Promise.all([
    callApi<Audience>(deps.app, request, "GET", `/api/v1/campaigns/${id}/audience`),
    callApi<Preview>(deps.app, request, "GET", `/api/v1/campaigns/${id}/preview`),
    callApi<Report>(deps.app, request, "GET", `/api/v1/campaigns/${id}/report`),
    c.buttons.some((b) => b.kind === "faq")
      ? callApi<{ items: Topic[] }>(deps.app, request, "GET", "/api/v1/faq/topics")
      : Promise.resolve(null),
    callApi<{ items: Area[] }>(deps.app, request, "GET", "/api/v1/areas?limit=200"),
  ]);
  const names = new Map((areas.ok ? areas.body.items : []).map((a) => [a.code, a.name]));
  const status = report.ok ? report.body.status : c.status;
  const live = status === "running";
  // Approval is another Pokja admin's (the API refuses the rest; the button is not offered).
  const mayApprove = ctx.me.account.role === "pokja_admin" && c.createdBy !== ctx.me.account.id;
  const later = Boolean(c.repeat) || (c.sendAt !== null && new Date(c.sendAt) > deps.rt.clock.now());
  const actions = (ACTIONS[status] ?? [])
    .filter((a) => a.api !== "approve" || mayApprove)
    .map(
      (a) =>
        html`<form method="post" action="/konsol/kampanye/${c.id}/${a.path}" class="inline-form">${csrfField(ctx)}<button type="submit" class="${a.api === "cancel" ? "secondary" : ""}" data-busy="${t("console:busy")}">${t(`console:campaigns.actions.${a.api === "send" && later ? "schedule" : a.api}`)}</button></form>`,
    );
  const body = html`<dl class="facts"><dt>${t("console:campaigns.col.status")}</dt><dd data-field="status">${t(`console:campaigns.status.${status}`, { defaultValue: status })}</dd>
<dt>${t("console:campaigns.audience")}</dt><dd data-field="audience">${audience.ok ? t("console:campaigns.count", { count: audience.body.total, id: audience.body.byLang.id ?? 0, bjn: audience.body.byLang.bjn ?? 0 }) : "–"}</dd>
<dt>${t("console:campaigns.segment")}</dt><dd data-field="segment">${segmentLines(t, c.segment, (code) => names.get(code) ?? code).map((l, i) => html`${i ? html`<br>` : ""}${l}`)}</dd>
<dt>${t("console:campaigns.timing")}</dt><dd data-field="timing">${timingText(t, c, zone)}</dd>
<dt>${t("console:campaigns.buttons")}</dt><dd data-field="buttons">${buttonsList(ctx, c.buttons, topics?.ok ? topics.body.items : [])}</dd></dl>
<div class="actions">${actions}</div>
${preview.ok ? html`<section aria-labelledby="pre-h"><h2 id="pre-h">${t("console:campaigns.preview")}</h2><div class="side-by-side"><div class="card" lang="id"><h3>${t("console:languages.id")}</h3><p class="asked" data-preview="id">${preview.body.id.text}</p></div><div class="card" lang="bjn"><h3>${t("console:languages.bjn")}</h3><p class="asked" data-preview="bjn">${preview.body.bjn.text}</p></div></div></section>` : ""}
${report.ok ? reportTable(ctx, c.id, report.body, live) : ""}
<p><a href="/konsol/kampanye">${t("console:campaigns.back")}</a></p>`;
  // While sending the report refreshes itself: konsol.js updates the figures in place every 5 s;
  // without JavaScript the page reloads itself (the meta refresh inside <noscript>).
  const refresh = live ? raw(`<noscript><meta http-equiv="refresh" content="5"></noscript>`) : "";
  void reply.header("cache-control", "no-store");
  return reply
    .type("text/html; charset=utf-8")
    .send(layout(ctx, { title: `${t("console:campaigns.title")}: ${c.name}` }, html`${refresh}${body}`));
}

export function campaignRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const zone = deps.rt.config.TIMEZONE;
  app.get("/kampanye", async (request, reply) => {
    const ctx = await staffContext(deps, request, reply);
    if (!may(CAMPAIGNERS, ctx.me.account.role)) return reply.callNotFound();
    const t = ctx.t;
    const [list, kec, desa, topics] = await Promise.all([
      callApi<{ items: Campaign[] }>(deps.app, request, "GET", "/api/v1/campaigns?limit=100"),
      callApi<{ items: Area[] }>(deps.app, request, "GET", "/api/v1/areas?level=kecamatan&limit=200"),
      callApi<{ items: Area[] }>(deps.app, request, "GET", "/api/v1/areas?level=desa&limit=200"),
      callApi<{ items: Topic[] }>(deps.app, request, "GET", "/api/v1/faq/topics"),
    ]);
    if (!list.ok) throw Object.assign(new Error("campaigns failed"), { statusCode: 502 });
    const items = list.body.items;
    const col = (k: string) => t(`console:campaigns.col.${k}`);
    const body = html`${
      items.length
        ? html`<div class="scroll"><table class="data stack" id="campaigns"><thead><tr><th scope="col">${col("name")}</th><th scope="col">${col("status")}</th><th scope="col">${col("timing")}</th><th scope="col">${col("created")}</th></tr></thead>
<tbody>${items.map((c) => html`<tr data-campaign="${c.id}"><th scope="row" data-label="${col("name")}"><a href="/konsol/kampanye/${c.id}">${c.name}</a></th><td data-label="${col("status")}" data-field="status">${t(`console:campaigns.status.${c.status}`, { defaultValue: c.status })}</td><td data-label="${col("timing")}" data-field="timing">${timingText(t, c, zone)}</td><td data-label="${col("created")}">${formatDay(c.createdAt)}</td></tr>`)}</tbody></table></div>`
        : html`<p>${t("console:campaigns.none")}</p>`
    }
${composeForm(ctx, { kecamatan: kec.ok ? kec.body.items : [], desa: desa.ok ? desa.body.items : [] }, topics.ok ? topics.body.items : [])}`;
    return reply.type("text/html; charset=utf-8").send(layout(ctx, { title: t("console:campaigns.title") }, body));
  });

  app.post<{ Body: Form }>("/kampanye", { preValidation: app.csrfProtection.bind(app) }, async (request, reply) => {
    const back = "/konsol/kampanye";
    const payload = campaignFromForm(request.body ?? {}, zone);
    if (!payload.name) return redirectBack(reply, back, { galat: "validation_failed", kolom: "campaignName" });
    if (!payload.textId) return redirectBack(reply, back, { galat: "validation_failed", kolom: "textId" });
    const res = await callApi<{ campaign: { id: string } }>(deps.app, request, "POST", "/api/v1/campaigns", payload);
    if (res.status === 401) return reply.redirect("/konsol/masuk", 303);
    if (!res.ok) return redirectBack(reply, back, { galat: errorCode(res.body), kolom: errorField(res.body) });
    return redirectBack(reply, `/konsol/kampanye/${res.body.campaign.id}`, { ok: "campaignSaved" });
  });

  // The compose form's "count" button (konsol.js): the same form, its segment counted by the API.
  app.post<{ Body: Form }>("/kampanye/hitung", { preValidation: app.csrfProtection.bind(app) }, async (request, reply) => {
    const t = textsOf(deps.rt);
    const res = await callApi<Audience>(deps.app, request, "POST", "/api/v1/campaigns/audience", {
      segment: segmentFromForm(request.body ?? {}),
    });
    void reply.header("cache-control", "no-store");
    if (res.ok)
      return {
        ok: true,
        text: t("console:campaigns.count", { count: res.body.total, id: res.body.byLang.id ?? 0, bjn: res.body.byLang.bjn ?? 0 }),
      };
    const code = errorCode(res.body);
    const field = errorField(res.body);
    const key = code === "validation_failed" && field && deps.rt.i18n.exists("id", `console:fields.${field}`) ? null : code;
    return reply.status(res.status).send({
      ok: false,
      text:
        key === null
          ? t("console:errors.validation_field", { field: t(`console:fields.${field}`) })
          : t(deps.rt.i18n.exists("id", `console:errors.${key}`) ? `console:errors.${key}` : "console:errors.generic"),
    });
  });

  app.get<{ Params: { id: string } }>("/kampanye/:id", async (request, reply) => {
    if (!UUID.test(request.params.id)) return reply.callNotFound();
    return campaignPage(deps, request, reply, request.params.id);
  });

  const unique = new Map(
    Object.values(ACTIONS)
      .flat()
      .map((a) => [a.path, a]),
  );
  for (const a of unique.values()) {
    app.post<{ Params: { id: string } }>(
      `/kampanye/:id/${a.path}`,
      { preValidation: app.csrfProtection.bind(app) },
      async (request, reply) => {
        if (!UUID.test(request.params.id)) return redirectBack(reply, "/konsol/kampanye", { galat: "not_found" });
        const back = `/konsol/kampanye/${request.params.id}`;
        const res = await callApi<{ run?: unknown }>(
          deps.app,
          request,
          "POST",
          `/api/v1/campaigns/${request.params.id}/${a.api}`,
          a.api === "send" ? {} : undefined,
        );
        if (res.status === 401) return reply.redirect("/konsol/masuk", 303);
        // A send that only scheduled it (a time ahead, or repeating) says so.
        const done = a.api === "send" && res.ok && !res.body?.run ? "campaignScheduled" : a.done;
        return redirectBack(reply, back, res.ok ? { ok: done } : { galat: errorCode(res.body), kolom: errorField(res.body) });
      },
    );
  }
}
