// Konten: the FAQ topics the bot answers from (read by every staff role; the Pokja edits the texts
// with a reason, disables or re-enables a topic) and the backlog of questions the bot could not
// answer, most asked first. Through /api/v1/faq/topics and /api/v1/knowledge/backlog.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { callApi, query } from "../api.js";
import { errorCode, errorField, redirectBack, staffContext, type ConsoleDeps } from "../context.js";
import { formatDay, formatNumber } from "../format.js";
import { html, type Html } from "../html.js";
import { csrfField, layout, type PageContext } from "../layout.js";
import { ADMINS, EDITORS, may } from "../nav.js";
import { TEMPLATES_PATH } from "./templates.js";

type Lang = "id" | "bjn";
const LANGS: readonly Lang[] = ["id", "bjn"];
interface Texts {
  title: string;
  answer: string;
  more?: string;
}
interface Topic {
  id: string;
  origin: "content" | "override";
  disabled: boolean;
  section: string;
  danger: boolean;
  source: string;
  keywords: Record<Lang, string[]>;
  examples: Record<Lang, string[]>;
  texts: Record<Lang, Texts>;
}
interface BacklogItem {
  id: string;
  question: string;
  lang: string;
  reason: "offtopic" | "choices" | "low_confidence";
  count: number;
  lastAt: string;
}

/** The API's limits (src/knowledge/routes.ts): what a phone screen reads. */
const LIMITS = { title: [2, 120], answer: [10, 600], more: [10, 1200], reason: [3, 500] } as const;
const TOPIC_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const REASONS = ["offtopic", "choices", "low_confidence"] as const;

function topicsTable(ctx: PageContext, topics: Topic[]): Html {
  const t = ctx.t;
  return html`<div class="scroll"><table class="data stack" id="topics"><caption>${t("console:content.topics", { count: topics.length })}</caption>
<thead><tr><th scope="col">${t("console:content.col.topic")}</th><th scope="col">${t("console:content.col.section")}</th><th scope="col">${t("console:content.col.status")}</th></tr></thead>
<tbody>${topics.map(
    (
      topic,
    ) => html`<tr data-topic="${topic.id}"><th scope="row" data-label="${t("console:content.col.topic")}"><a href="/konsol/konten/${topic.id}">${topic.texts.id.title}</a><br><span class="hint">${topic.id}</span></th>
<td data-label="${t("console:content.col.section")}">${topic.section}${topic.danger ? html` <span class="tag">${t("console:content.danger")}</span>` : ""}</td>
<td data-label="${t("console:content.col.status")}" data-field="status">${t(topic.disabled ? "console:content.disabled" : "console:content.active")}${topic.origin === "override" ? html` · ${t("console:content.edited")}` : ""}</td></tr>`,
  )}</tbody></table></div>`;
}

function backlogSection(ctx: PageContext, items: BacklogItem[], total: number, reason: string | undefined): Html {
  const t = ctx.t;
  const editor = may(EDITORS, ctx.me!.account.role);
  return html`<section aria-labelledby="backlog-h"><h2 id="backlog-h">${t("console:content.backlog", { count: total })}</h2>
<p class="hint">${t("console:content.backlogHint")}</p>
<form method="get" action="/konsol/konten" class="filters"><div><label for="alasan">${t("console:content.reasonFilter")}</label>
<select id="alasan" name="alasan"><option value="">${t("console:content.allReasons")}</option>${REASONS.map((r) => html`<option value="${r}"${r === reason ? html` selected` : ""}>${t(`console:content.reasons.${r}`)}</option>`)}</select></div>
<div><button type="submit">${t("console:dashboard.show")}</button></div></form>
${
  items.length
    ? html`<div class="scroll"><table class="data stack" id="backlog"><thead><tr><th scope="col">${t("console:content.col.question")}</th><th scope="col">${t("console:content.col.reason")}</th><th scope="col">${t("console:content.col.count")}</th><th scope="col">${t("console:content.col.last")}</th>${editor ? html`<th scope="col">${t("console:followUp.col.action")}</th>` : ""}</tr></thead>
<tbody>${items.map(
        (
          b,
        ) => html`<tr data-backlog="${b.id}"><th scope="row" data-label="${t("console:content.col.question")}">${b.question} <span class="hint">(${t(`console:languages.${b.lang}`, { defaultValue: b.lang })})</span></th>
<td data-label="${t("console:content.col.reason")}">${t(`console:content.reasons.${b.reason}`)}</td><td class="num" data-label="${t("console:content.col.count")}">${formatNumber(b.count)}</td><td data-label="${t("console:content.col.last")}">${formatDay(b.lastAt)}</td>
${editor ? html`<td class="actions"><form method="post" action="/konsol/konten/backlog/${b.id}/hapus">${csrfField(ctx)}<button type="submit" class="secondary">${t("console:content.handled")}</button></form></td>` : ""}</tr>`,
      )}</tbody></table></div>`
    : html`<p>${t("console:content.backlogEmpty")}</p>`
}</section>`;
}

function textsColumn(ctx: PageContext, topic: Topic, lang: Lang, editable: boolean): Html {
  const t = ctx.t;
  const texts = topic.texts[lang];
  const heading = t(`console:languages.${lang}`);
  if (!editable) {
    return html`<div class="card" lang="${lang}"><h3>${heading}</h3><p><strong>${texts.title}</strong></p><p class="asked">${texts.answer}</p>${texts.more ? html`<p class="asked hint">${texts.more}</p>` : ""}</div>`;
  }
  const field = (name: keyof Texts, rows: number) => {
    const id = `${name}-${lang}`;
    const [min, max] = LIMITS[name];
    const value = texts[name] ?? "";
    return html`<label for="${id}">${t(`console:fields.${name}`)}</label>${
      rows === 1
        ? html`<input id="${id}" name="${id}" value="${value}" minlength="${min}" maxlength="${max}" required>`
        : html`<textarea id="${id}" name="${id}" rows="${rows}" minlength="${min}" maxlength="${max}"${name === "answer" ? html` required` : ""}>${value}</textarea>`
    }`;
  };
  return html`<fieldset class="card" lang="${lang}"><legend>${heading}</legend>${field("title", 1)}${field("answer", 6)}${field("more", 6)}</fieldset>`;
}

function topicPage(ctx: PageContext, topic: Topic): Html {
  const t = ctx.t;
  const editable = may(EDITORS, ctx.me!.account.role);
  const columns = html`<div class="side-by-side">${LANGS.map((lang) => textsColumn(ctx, topic, lang, editable))}</div>`;
  const facts = html`<dl class="facts"><dt>${t("console:content.col.status")}</dt><dd data-field="status">${t(topic.disabled ? "console:content.disabled" : "console:content.active")}</dd>
<dt>${t("console:content.col.section")}</dt><dd>${topic.section}${topic.danger ? html` · ${t("console:content.danger")}` : ""}</dd>
<dt>${t("console:content.source")}</dt><dd>${topic.source}</dd>
<dt>${t("console:content.examples")}</dt><dd>${topic.examples.id.join(" · ")}</dd></dl>`;
  if (!editable) return html`${facts}${columns}<p><a href="/konsol/konten">${t("console:content.back")}</a></p>`;
  const reason = (id: string) =>
    html`<label for="${id}">${t("console:fields.reason")}</label><input id="${id}" name="reason" required minlength="${LIMITS.reason[0]}" maxlength="${LIMITS.reason[1]}">`;
  return html`${facts}
<form method="post" action="/konsol/konten/${topic.id}" id="edit-topic">${csrfField(ctx)}
${columns}
${reason("edit-reason")}
<button type="submit" data-busy="${t("console:busy")}">${t("console:content.save")}</button></form>
<form method="post" action="/konsol/konten/${topic.id}/${topic.disabled ? "aktif" : "nonaktif"}" id="toggle-topic" class="card">${csrfField(ctx)}
<h2>${t(topic.disabled ? "console:content.enable" : "console:content.disable")}</h2><p class="hint">${t(topic.disabled ? "console:content.enableHint" : "console:content.disableHint")}</p>
${reason("toggle-reason")}
<button type="submit" class="secondary" data-busy="${t("console:busy")}">${t(topic.disabled ? "console:content.enable" : "console:content.disable")}</button></form>
${
  topic.origin === "override"
    ? html`<form method="post" action="/konsol/konten/${topic.id}/asli" id="restore-topic" class="card">${csrfField(ctx)}<h2>${t("console:content.restore")}</h2><p class="hint">${t("console:content.restoreHint")}</p>
<button type="submit" class="secondary" data-busy="${t("console:busy")}">${t("console:content.restore")}</button></form>`
    : ""
}
<p><a href="/konsol/konten">${t("console:content.back")}</a></p>`;
}

/** The PUT body: the topic as it is, with the changes of the form. */
function topicBody(topic: Topic, changes: { texts?: Record<Lang, Texts>; disabled?: boolean }, reason: string) {
  return {
    section: topic.section,
    danger: topic.danger,
    source: topic.source,
    keywords: topic.keywords,
    examples: topic.examples,
    texts: changes.texts ?? topic.texts,
    disabled: changes.disabled ?? topic.disabled,
    reason,
  };
}

/** The texts of the edit form, checked like the API; the name of the first field out of bounds otherwise. */
export function textsFromForm(form: Record<string, unknown>): { texts: Record<Lang, Texts> } | { field: string } {
  const out = {} as Record<Lang, Texts>;
  for (const lang of LANGS) {
    const value = (name: keyof Texts) => (typeof form[`${name}-${lang}`] === "string" ? (form[`${name}-${lang}`] as string).trim() : "");
    const texts: Texts = { title: value("title"), answer: value("answer") };
    const more = value("more");
    if (more) texts.more = more;
    for (const name of ["title", "answer", "more"] as const) {
      const v = texts[name];
      if (v === undefined) continue;
      const [min, max] = LIMITS[name];
      if (v.length < min || v.length > max) return { field: name };
    }
    out[lang] = texts;
  }
  return { texts: out };
}

interface TopicRoute {
  Params: { id: string };
  Body: Record<string, unknown>;
}

export function contentRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get<{ Querystring: { alasan?: unknown } }>("/konten", async (request, reply) => {
    const ctx = await staffContext(deps, request, reply);
    const reason = REASONS.find((r) => r === request.query.alasan);
    const [topics, backlog] = await Promise.all([
      callApi<{ items: Topic[] }>(deps.app, request, "GET", "/api/v1/faq/topics"),
      callApi<{ items: BacklogItem[]; total: number }>(
        deps.app,
        request,
        "GET",
        `/api/v1/knowledge/backlog${query({ reason, limit: 100 })}`,
      ),
    ]);
    if (!topics.ok || !backlog.ok) throw Object.assign(new Error("content page failed"), { statusCode: 502 });
    const t = ctx.t;
    const templates = may(ADMINS, ctx.me.account.role)
      ? html`<p><a href="${TEMPLATES_PATH}" id="templates-link">${t("console:templates.link")}</a></p>`
      : "";
    const body = html`${templates}<section aria-labelledby="topics-h"><h2 id="topics-h">${t("console:content.faq")}</h2><p class="hint">${t("console:content.faqHint")}</p>${topicsTable(ctx, topics.body.items)}</section>
${backlogSection(ctx, backlog.body.items, backlog.body.total, reason)}`;
    return reply.type("text/html; charset=utf-8").send(layout(ctx, { title: t("console:content.title") }, body));
  });

  app.get<{ Params: { id: string } }>("/konten/:id", async (request, reply) => {
    const ctx = await staffContext(deps, request, reply);
    if (!TOPIC_ID.test(request.params.id)) return reply.callNotFound();
    const res = await callApi<Topic>(deps.app, request, "GET", `/api/v1/faq/topics/${request.params.id}`);
    if (res.status === 404) return reply.callNotFound();
    if (!res.ok) throw Object.assign(new Error("topic failed"), { statusCode: 502 });
    const body = topicPage(ctx, res.body);
    return reply
      .type("text/html; charset=utf-8")
      .send(layout(ctx, { title: `${ctx.t("console:content.topic")}: ${res.body.texts.id.title}` }, body));
  });

  const change =
    (kind: "edit" | "disable" | "enable", done: string) => async (request: FastifyRequest<TopicRoute>, reply: FastifyReply) => {
      const id = request.params.id;
      if (!TOPIC_ID.test(id)) return redirectBack(reply, "/konsol/konten", { galat: "not_found" });
      const back = `/konsol/konten/${id}`;
      const form = request.body ?? {};
      const reason = typeof form.reason === "string" ? form.reason.trim() : "";
      if (reason.length < LIMITS.reason[0] || reason.length > LIMITS.reason[1])
        return redirectBack(reply, back, { galat: "validation_failed", kolom: "reason" });
      let texts: Record<Lang, Texts> | undefined;
      if (kind === "edit") {
        const read = textsFromForm(form);
        if ("field" in read) return redirectBack(reply, back, { galat: "validation_failed", kolom: read.field });
        texts = read.texts;
      }
      const current = await callApi<Topic>(deps.app, request, "GET", `/api/v1/faq/topics/${id}`);
      if (current.status === 401) return reply.redirect("/konsol/masuk", 303);
      if (!current.ok) return redirectBack(reply, "/konsol/konten", { galat: errorCode(current.body) });
      const disabled = kind === "edit" ? undefined : kind === "disable";
      const res = await callApi(deps.app, request, "PUT", `/api/v1/faq/topics/${id}`, topicBody(current.body, { texts, disabled }, reason));
      return redirectBack(reply, back, res.ok ? { ok: done } : { galat: errorCode(res.body), kolom: errorField(res.body) });
    };
  app.post<TopicRoute>("/konten/:id", { preValidation: app.csrfProtection.bind(app) }, change("edit", "topicSaved"));
  app.post<TopicRoute>("/konten/:id/nonaktif", { preValidation: app.csrfProtection.bind(app) }, change("disable", "topicDisabled"));
  app.post<TopicRoute>("/konten/:id/aktif", { preValidation: app.csrfProtection.bind(app) }, change("enable", "topicEnabled"));

  // Withdraw the Pokja's override: a reviewed content topic returns to its reviewed text (an
  // added topic goes away). The API's DELETE records it in the audit log.
  app.post<{ Params: { id: string } }>("/konten/:id/asli", { preValidation: app.csrfProtection.bind(app) }, async (request, reply) => {
    if (!TOPIC_ID.test(request.params.id)) return redirectBack(reply, "/konsol/konten", { galat: "not_found" });
    const res = await callApi(deps.app, request, "DELETE", `/api/v1/faq/topics/${request.params.id}`);
    if (res.status === 401) return reply.redirect("/konsol/masuk", 303);
    return res.ok
      ? redirectBack(reply, "/konsol/konten", { ok: "topicRestored" })
      : redirectBack(reply, `/konsol/konten/${request.params.id}`, { galat: errorCode(res.body) });
  });

  app.post<{ Params: { id: string } }>(
    "/konten/backlog/:id/hapus",
    { preValidation: app.csrfProtection.bind(app) },
    async (request, reply) => {
      const back = "/konsol/konten";
      if (!/^[0-9a-f-]{36}$/i.test(request.params.id)) return redirectBack(reply, back, { galat: "not_found" });
      const res = await callApi(deps.app, request, "DELETE", `/api/v1/knowledge/backlog/${request.params.id}`);
      if (res.status === 401) return reply.redirect("/konsol/masuk", 303);
      return redirectBack(reply, back, res.ok ? { ok: "backlogHandled" } : { galat: errorCode(res.body) });
    },
  );
}
