// The compose form of a campaign: both texts side by side, buttons, the audience's filters and
// when it goes.
import { MAX_BUTTON_LABEL, MAX_BUTTONS, MAX_TEXT, VARIABLES } from "../../campaigns/compose.js";
import { GROWTH_STATUSES, SEGMENT_CHANNELS, SEGMENT_ROLES } from "../../campaigns/segment.js";
import { html, raw, type Html } from "../html.js";
import { csrfField, type PageContext } from "../layout.js";

export interface Topic {
  id: string;
  disabled: boolean;
  texts: { id: { title: string } };
}
export interface Area {
  code: string;
  name: string;
}

const LANGS = ["id", "bjn"] as const;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

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

export function composeForm(ctx: PageContext, areas: { kecamatan: Area[]; desa: Area[] }, topics: Topic[]): Html {
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
