// Kampanye: compose a broadcast (Indonesian and Banjar side by side, optional buttons), choose who
// gets it (area, role, language, channel, pregnancy, child age and growth, inactivity) and see how
// many, when it goes (when sent, at a time, or repeating until an end date), submit it (for
// approval when regency-wide), approve, send or schedule, pause/resume/cancel, and follow the
// delivery report live, with its per-recipient CSV. Through /api/v1/campaigns.
import { DateTime } from "luxon";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { MAX_BUTTON_LABEL, MAX_BUTTONS, MAX_TEXT, VARIABLES, type CampaignButton, type CampaignRepeat } from "../../campaigns/compose.js";
import { GROWTH_STATUSES, SEGMENT_CHANNELS, SEGMENT_ROLES, type Segment } from "../../campaigns/segment.js";
import { callApi } from "../api.js";
import { errorCode, errorField, redirectBack, staffContext, textsOf, type ConsoleDeps } from "../context.js";
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
interface Report {
  status: string;
  totals: Record<string, number>;
  kecamatan?: ({ code: string; name: string | null } & Record<string, number>)[];
  failures?: { reason: string; count: number }[];
}

const AREA_COLUMNS = ["recipients", "sent", "delivered", "read", "failed", "optedOutAfter", "replies"] as const;

/** The report per kecamatan and the failures by reason (as the API gives them when the page loads). */
function reportDetails(ctx: PageContext, report: Report): Html {
  const t = ctx.t;
  const areas = report.kecamatan ?? [];
  const failures = report.failures ?? [];
  return html`${
    areas.length
      ? html`<div class="scroll"><table class="data" id="report-kecamatan"><caption>${t("console:campaigns.perKecamatan")}</caption>
<thead><tr><th scope="col">${t("console:campaigns.kecamatan")}</th>${AREA_COLUMNS.map((k) => html`<th scope="col">${t(`console:campaigns.totals.${k}`)}</th>`)}</tr></thead>
<tbody>${areas.map((a) => html`<tr data-code="${a.code}"><th scope="row">${a.name ?? t("console:campaigns.unknownArea")}</th>${AREA_COLUMNS.map((k) => html`<td class="num" data-field="${k}">${a[k] ?? 0}</td>`)}</tr>`)}</tbody></table></div>`
      : ""
  }
${
  failures.length
    ? html`<table class="data" id="report-failures"><caption>${t("console:campaigns.failuresByReason")}</caption>
<thead><tr><th scope="col">${t("console:campaigns.failureReason")}</th><th scope="col">${t("console:campaigns.totals.failed")}</th></tr></thead>
<tbody>${failures.map((f) => html`<tr><th scope="row">${f.reason}</th><td class="num">${f.count}</td></tr>`)}</tbody></table>`
    : ""
}`;
}
interface Preview {
  id: { text: string };
  bjn: { text: string };
}
interface Topic {
  id: string;
  disabled: boolean;
  texts: { id: { title: string } };
}
interface Area {
  code: string;
  name: string;
}

const UUID = /^[0-9a-f-]{36}$/i;
const LANGS = ["id", "bjn"] as const;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
/** What each status allows (src/campaigns/manage.ts). */
const ACTIONS: Record<string, { path: string; api: string; done: string }[]> = {
  draft: [{ path: "ajukan", api: "submit", done: "campaignSubmitted" }],
  awaiting_approval: [
    { path: "setujui", api: "approve", done: "campaignApproved" },
    { path: "batal", api: "cancel", done: "campaignCancelled" },
  ],
  approved: [
    { path: "kirim", api: "send", done: "campaignSending" },
    { path: "batal", api: "cancel", done: "campaignCancelled" },
  ],
  scheduled: [
    { path: "jeda", api: "pause", done: "campaignPaused" },
    { path: "batal", api: "cancel", done: "campaignCancelled" },
  ],
  running: [
    { path: "jeda", api: "pause", done: "campaignPaused" },
    { path: "batal", api: "cancel", done: "campaignCancelled" },
  ],
  paused: [
    { path: "lanjut", api: "resume", done: "campaignResumed" },
    { path: "batal", api: "cancel", done: "campaignCancelled" },
  ],
};

type Form = Record<string, unknown>;
const textOf = (form: Form, k: string) => (typeof form[k] === "string" ? form[k].trim() : "");
const manyOf = (form: Form, k: string) =>
  (Array.isArray(form[k]) ? (form[k] as unknown[]) : form[k] === undefined ? [] : [form[k]]).filter(
    (v): v is string => typeof v === "string" && v !== "",
  );
/** A whole number from a field; other text goes to the API as it is, so its validation names the field. */
const integerOf = (form: Form, k: string): number | string | undefined => {
  const v = textOf(form, k);
  return v === "" ? undefined : /^\d{1,6}$/.test(v) ? Number(v) : v;
};
/** Drops the keys left undefined. */
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The segment from the form's filters (only those filled in). */
export function segmentFromForm(form: Form): Record<string, unknown> {
  const segment: Record<string, unknown> = {};
  const list = (key: string, values: unknown[]) => {
    if (values.length) segment[key] = values;
  };
  list("kecamatanCodes", textOf(form, "kecamatan") ? [textOf(form, "kecamatan")] : []);
  list("desaCodes", textOf(form, "desa") ? [textOf(form, "desa")] : []);
  list("roles", manyOf(form, "roles"));
  list("langs", manyOf(form, "langs"));
  list("channels", manyOf(form, "channels"));
  const pregnancy = defined({
    trimesters: manyOf(form, "trimesters").length ? manyOf(form, "trimesters").map((v) => (/^\d$/.test(v) ? Number(v) : v)) : undefined,
    weeksMin: integerOf(form, "weeksMin"),
    weeksMax: integerOf(form, "weeksMax"),
  });
  if (Object.keys(pregnancy).length) segment.pregnancy = pregnancy;
  const age = defined({ min: integerOf(form, "ageMin"), max: integerOf(form, "ageMax") });
  if (Object.keys(age).length) segment.childAgeMonths = age;
  list("childGrowth", manyOf(form, "growth"));
  const notMeasured = integerOf(form, "notMeasured");
  if (notMeasured !== undefined) segment.childNotMeasuredMonths = notMeasured;
  if (textOf(form, "registeredSince")) segment.registeredSince = textOf(form, "registeredSince");
  const notSeen = integerOf(form, "notSeenDays");
  if (notSeen !== undefined) segment.notSeenDays = notSeen;
  if (form.excludeInDialogue === "on") segment.excludeInDialogue = true;
  return segment;
}

/** Up to three buttons: a reply choice or an FAQ topic, labelled in Indonesian (Banjar optional). */
function buttonsFromForm(form: Form): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 1; i <= MAX_BUTTONS; i++) {
    const kind = textOf(form, `b${i}kind`);
    if (kind !== "reply" && kind !== "faq") continue;
    const label = defined({ id: textOf(form, `b${i}id`), bjn: textOf(form, `b${i}bjn`) || undefined });
    out.push(kind === "faq" ? { kind, topicId: textOf(form, `b${i}topic`), label } : { kind, label });
  }
  return out;
}

/** When it goes: when "Kirim" is pressed, once at a local time, or repeating (times are WITA, the service's TIMEZONE). */
function timingFromForm(form: Form, zone: string): Record<string, unknown> {
  const when = textOf(form, "when");
  if (when === "at") {
    const local = DateTime.fromISO(textOf(form, "sendAt"), { zone });
    // An unreadable time goes to the API as it is (it answers validation_failed for sendAt).
    return { sendAt: local.isValid ? local.toUTC().toISO({ suppressMilliseconds: true }) : textOf(form, "sendAt") || "?" };
  }
  if (when === "repeat") {
    const every = textOf(form, "every");
    return {
      repeat: defined({
        every,
        weekdays:
          every === "weekly" && manyOf(form, "weekdays").length
            ? manyOf(form, "weekdays").map((v) => (/^\d$/.test(v) ? Number(v) : v))
            : undefined,
        dayOfMonth: every === "monthly" ? integerOf(form, "dayOfMonth") : undefined,
        time: textOf(form, "time"),
        from: textOf(form, "from") || undefined,
        until: textOf(form, "until"),
      }),
    };
  }
  return {};
}

/** The API's campaign body from the compose form; the API checks the rest (unknown variables, area, quiet hours). */
export function campaignFromForm(form: Form, zone = "Asia/Makassar"): Record<string, unknown> {
  const same = form.sameForBoth === "on";
  const buttons = buttonsFromForm(form);
  return {
    name: textOf(form, "name"),
    textId: textOf(form, "textId"),
    ...(same ? { sameForBoth: true } : { textBjn: textOf(form, "textBjn") || null }),
    ...(buttons.length ? { buttons } : {}),
    segment: segmentFromForm(form),
    ...timingFromForm(form, zone),
  };
}

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

const checkboxes = (name: string, values: readonly (string | number)[], label: (v: string | number) => string) =>
  html`${values.map((v) => html`<label class="inline"><input type="checkbox" name="${name}" value="${v}"> ${label(v)}</label> `)}`;

function numberField(id: string, name: string, label: string, min: number, max: number): Html {
  return html`<div><label for="${id}">${label}</label><input id="${id}" name="${name}" type="number" inputmode="numeric" min="${min}" max="${max}" step="1"></div>`;
}

function buttonFields(ctx: PageContext, topics: Topic[]): Html {
  const t = ctx.t;
  const rows = [];
  for (let i = 1; i <= MAX_BUTTONS; i++) {
    rows.push(html`<fieldset class="button-row"><legend>${t("console:campaigns.button", { n: i })}</legend><div class="filters">
<div><label for="b${i}kind">${t("console:campaigns.buttonKind")}</label><select id="b${i}kind" name="b${i}kind"><option value="">${t("console:campaigns.buttonNone")}</option><option value="reply">${t("console:campaigns.buttonReply")}</option><option value="faq">${t("console:campaigns.buttonFaq")}</option></select></div>
<div><label for="b${i}id">${t("console:campaigns.buttonLabelId")}</label><input id="b${i}id" name="b${i}id" maxlength="${MAX_BUTTON_LABEL}" lang="id"></div>
<div><label for="b${i}bjn">${t("console:campaigns.buttonLabelBjn")}</label><input id="b${i}bjn" name="b${i}bjn" maxlength="${MAX_BUTTON_LABEL}" lang="bjn"></div>
<div><label for="b${i}topic">${t("console:campaigns.buttonTopic")}</label><select id="b${i}topic" name="b${i}topic"><option value="">–</option>${topics.filter((tp) => !tp.disabled).map((tp) => html`<option value="${tp.id}">${tp.texts.id.title}</option>`)}</select></div>
</div></fieldset>`);
  }
  return html`<details class="card"><summary>${t("console:campaigns.buttons")}</summary><p class="hint">${t("console:campaigns.buttonsHint", { max: MAX_BUTTON_LABEL })}</p>${rows}</details>`;
}

function segmentFields(ctx: PageContext, areas: { kecamatan: Area[]; desa: Area[] }): Html {
  const t = ctx.t;
  const area = (name: string, label: string, items: Area[]) =>
    html`<div><label for="c-${name}">${label}</label><select id="c-${name}" name="${name}"><option value="">${t("console:campaigns.anyArea")}</option>${items.map((i) => html`<option value="${i.code}">${i.name}</option>`)}</select></div>`;
  return html`<fieldset class="card"><legend>${t("console:campaigns.audience")}</legend>
<div class="filters">${area("kecamatan", t("console:dashboard.area"), areas.kecamatan)}${area("desa", t("console:kader.desa"), areas.desa)}</div>
<p role="group" aria-label="${t("console:campaigns.filters.roles")}">${checkboxes("roles", SEGMENT_ROLES, (r) => t(`console:campaigns.roles.${r}`))}</p>
<details id="c-more"><summary>${t("console:campaigns.moreFilters")}</summary>
<p role="group" aria-label="${t("console:campaigns.filters.langs")}"><span class="group-label">${t("console:campaigns.filters.langs")}:</span> ${checkboxes("langs", LANGS, (l) => t(`console:languages.${l}`))}</p>
<p role="group" aria-label="${t("console:campaigns.filters.channels")}"><span class="group-label">${t("console:campaigns.filters.channels")}:</span> ${checkboxes("channels", SEGMENT_CHANNELS, (ch) => t(`console:campaigns.channels.${ch}`))}</p>
<p role="group" aria-label="${t("console:campaigns.filters.trimesters")}"><span class="group-label">${t("console:campaigns.filters.trimesters")}:</span> ${checkboxes("trimesters", [1, 2, 3], (n) => String(n))}</p>
<div class="filters">${numberField("c-weeksMin", "weeksMin", t("console:campaigns.filters.weeksMin"), 0, 45)}${numberField("c-weeksMax", "weeksMax", t("console:campaigns.filters.weeksMax"), 0, 45)}
${numberField("c-ageMin", "ageMin", t("console:campaigns.filters.ageMin"), 0, 72)}${numberField("c-ageMax", "ageMax", t("console:campaigns.filters.ageMax"), 0, 72)}</div>
<p role="group" aria-label="${t("console:campaigns.filters.growth")}"><span class="group-label">${t("console:campaigns.filters.growth")}:</span> ${checkboxes("growth", GROWTH_STATUSES, (g) => t(`console:campaigns.growth.${g}`))}</p>
<div class="filters">${numberField("c-notMeasured", "notMeasured", t("console:campaigns.filters.notMeasuredField"), 1, 60)}
<div><label for="c-registeredSince">${t("console:campaigns.filters.registeredSince")}</label><input id="c-registeredSince" name="registeredSince" type="date"></div>
${numberField("c-notSeenDays", "notSeenDays", t("console:campaigns.filters.notSeenDaysField"), 1, 3650)}</div>
<label class="inline"><input type="checkbox" name="excludeInDialogue" id="c-excludeInDialogue"> ${t("console:campaigns.filters.excludeInDialogue")}</label>
</details>
<p><button type="button" class="secondary" id="c-count" hidden data-busy="${t("console:busy")}" data-failed="${t("console:errors.generic")}">${t("console:campaigns.countNow")}</button> <output id="c-audience" for="c-count" aria-live="polite"></output></p>
</fieldset>`;
}

function timingFields(ctx: PageContext): Html {
  const t = ctx.t;
  const radio = (value: string, checked = false) =>
    html`<label class="inline"><input type="radio" name="when" value="${value}" id="c-when-${value}"${checked ? raw(" checked") : ""}> ${t(`console:campaigns.whenChoice.${value}`)}</label>`;
  return html`<fieldset class="card"><legend>${t("console:campaigns.timing")}</legend>
<p>${radio("now", true)} ${radio("at")} ${radio("repeat")}</p>
<div class="filters"><div><label for="c-sendAt">${t("console:campaigns.sendAt")}</label><input id="c-sendAt" name="sendAt" type="datetime-local"></div></div>
<div class="filters">
<div><label for="c-every">${t("console:campaigns.every")}</label><select id="c-every" name="every">${["daily", "weekly", "monthly"].map((e) => html`<option value="${e}">${t(`console:campaigns.everyChoice.${e}`)}</option>`)}</select></div>
<div><label for="c-time">${t("console:campaigns.time")}</label><input id="c-time" name="time" type="time"></div>
${numberField("c-dayOfMonth", "dayOfMonth", t("console:campaigns.dayOfMonth"), 1, 31)}
<div><label for="c-from">${t("console:campaigns.from")}</label><input id="c-from" name="from" type="date"></div>
<div><label for="c-until">${t("console:campaigns.until")}</label><input id="c-until" name="until" type="date"></div></div>
<p role="group" aria-label="${t("console:campaigns.weekdaysLabel")}"><span class="group-label">${t("console:campaigns.weekdaysLabel")}:</span> ${checkboxes("weekdays", WEEKDAYS, (d) => t(`console:campaigns.weekdays.${d}`))}</p>
<p class="hint">${t("console:campaigns.timingHint")}</p></fieldset>`;
}

function composeForm(ctx: PageContext, areas: { kecamatan: Area[]; desa: Area[] }, topics: Topic[]): Html {
  const t = ctx.t;
  const vars = VARIABLES.map((v) => `{${v}}`).join(" ");
  return html`<form method="post" action="/konsol/kampanye" id="compose" class="card">${csrfField(ctx)}<h2>${t("console:campaigns.compose")}</h2>
<label for="c-name">${t("console:fields.campaignName")}</label><input id="c-name" name="name" required maxlength="120">
<div class="side-by-side"><div><label for="c-textId">${t("console:fields.textId")}</label><textarea id="c-textId" name="textId" rows="6" required maxlength="${MAX_TEXT}" lang="id"></textarea></div>
<div><label for="c-textBjn">${t("console:fields.textBjn")}</label><textarea id="c-textBjn" name="textBjn" rows="6" maxlength="${MAX_TEXT}" lang="bjn"></textarea>
<label class="inline"><input type="checkbox" name="sameForBoth" id="c-same"> ${t("console:campaigns.sameForBoth")}</label></div></div>
<p class="hint">${t("console:campaigns.variables", { vars })}</p>
${buttonFields(ctx, topics)}
${segmentFields(ctx, areas)}
${timingFields(ctx)}
<button type="submit" data-busy="${t("console:busy")}">${t("console:campaigns.save")}</button></form>`;
}

const REPORT_ROWS = [
  "recipients",
  "pending",
  "queued",
  "sent",
  "delivered",
  "read",
  "failed",
  "skippedOptedOut",
  "noTemplate",
  "cancelled",
  "optedOutAfter",
  "replies",
  "resentUnknownOutcome",
];

/** Share of recipients whose message is finished with (sent, failed or left out). */
export function processedPercent(n: Record<string, number>): number | null {
  const done = (n.sent ?? 0) + (n.failed ?? 0) + (n.skippedOptedOut ?? 0) + (n.noTemplate ?? 0) + (n.cancelled ?? 0);
  return n.recipients ? (100 * done) / n.recipients : null;
}

function reportTable(ctx: PageContext, id: string, report: Report, live: boolean): Html {
  const t = ctx.t;
  const n = report.totals;
  const percent = processedPercent(n);
  return html`<section aria-labelledby="rep-h" id="live-report"${live ? html` data-live="/api/v1/campaigns/${id}/report"` : ""} data-texts="${JSON.stringify({ status: t("console:campaigns.status", { returnObjects: true }) })}"><h2 id="rep-h">${t("console:campaigns.report")}</h2>
<p><progress id="progress" max="100" value="${percent === null ? 0 : Math.round(percent)}"></progress> <span data-field="progress">${formatPercent(percent)}</span> ${t("console:campaigns.processed")}</p>
<table class="data" id="report"><tbody>${REPORT_ROWS.map((k) => html`<tr><th scope="row">${t(`console:campaigns.totals.${k}`)}</th><td class="num" data-field="${k}">${n[k] ?? 0}</td></tr>`)}</tbody></table>
${reportDetails(ctx, report)}
${n.recipients ? html`<p><a href="/api/v1/campaigns/${id}/recipients.csv" download id="recipients-csv">${t("console:campaigns.recipientsCsv")}</a> <span class="hint">${t("console:campaigns.recipientsCsvHint")}</span></p>` : ""}</section>`;
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
