// Konten › Template WhatsApp: the approved WhatsApp Cloud templates per message kind and language
// that messages outside the 24-hour window go out with. The Pokja lists them, adds one, renames
// one or disables it (with a reason, in the audit log); the ones configured in
// WHATSAPP_CLOUD_TEMPLATES are shown beside them. Through /api/v1/whatsapp-templates (pokja_admin).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { callApi } from "../api.js";
import { errorCode, errorField, redirectBack, staffContext, type ConsoleDeps } from "../context.js";
import { formatDay } from "../format.js";
import { html, type Html } from "../html.js";
import { csrfField, layout, type PageContext } from "../layout.js";
import { ADMINS, may } from "../nav.js";

export const TEMPLATES_PATH = "/konsol/konten/template-whatsapp";

interface Template {
  id: string;
  kind: string;
  lang: "id" | "bjn";
  name: string;
  disabled: boolean;
  updatedAt: string;
}
type ByKind = Record<string, { id?: string; bjn?: string }>;
interface TemplateList {
  items: Template[];
  configured: ByKind;
  inForce: ByKind;
  kinds: string[];
}

const NAME = /^[a-z0-9_]{1,512}$/;
const REASON = { min: 3, max: 500 };

function templateRow(ctx: PageContext, tp: Template): Html {
  const t = ctx.t;
  const col = (k: string) => t(`console:templates.col.${k}`);
  const toggle = tp.disabled ? "aktif" : "nonaktif";
  return html`<tr data-template="${tp.id}" class="${tp.disabled ? "cancelled" : ""}"><th scope="row" data-label="${col("kind")}">${t(`console:templates.kinds.${tp.kind}`, { defaultValue: tp.kind })}</th>
<td data-label="${col("lang")}">${t(`console:languages.${tp.lang}`)}</td><td data-label="${col("name")}" data-field="name"><code>${tp.name}</code></td>
<td data-label="${col("status")}" data-field="status">${t(tp.disabled ? "console:templates.disabled" : "console:templates.active")}</td><td data-label="${col("updated")}">${formatDay(tp.updatedAt)}</td>
<td class="actions" data-label="${col("action")}"><details><summary>${t("console:templates.change")}</summary>
<form method="post" action="${TEMPLATES_PATH}/${tp.id}">${csrfField(ctx)}
<label for="tn-${tp.id}">${t("console:templates.name")}</label><input id="tn-${tp.id}" name="name" required pattern="[a-z0-9_]{1,512}" value="${tp.name}" autocomplete="off" spellcheck="false">
<label for="tr-${tp.id}">${t("console:templates.reason")}</label><input id="tr-${tp.id}" name="reason" required minlength="${REASON.min}" maxlength="${REASON.max}">
<button type="submit" data-busy="${t("console:busy")}">${t("console:templates.save")}</button></form>
<form method="post" action="${TEMPLATES_PATH}/${tp.id}/${toggle}">${csrfField(ctx)}
<label for="tt-${tp.id}">${t("console:templates.reason")}</label><input id="tt-${tp.id}" name="reason" required minlength="${REASON.min}" maxlength="${REASON.max}">
<button type="submit" class="secondary" data-busy="${t("console:busy")}">${t(tp.disabled ? "console:templates.enable" : "console:templates.disable")}</button></form></details></td></tr>`;
}

function page(ctx: PageContext, list: TemplateList): Html {
  const t = ctx.t;
  const col = (k: string) => t(`console:templates.col.${k}`);
  const configured = Object.entries(list.configured).flatMap(([kind, byLang]) =>
    (["id", "bjn"] as const)
      .filter((l) => byLang[l])
      .map((l) => ({ kind, lang: l, name: byLang[l] as string, inForce: list.inForce[kind]?.[l] === byLang[l] })),
  );
  return html`<p class="hint">${t("console:templates.hint", { placeholder: "{{1}}" })}</p>
<section aria-labelledby="tpl-h"><h2 id="tpl-h">${t("console:templates.list", { count: list.items.length })}</h2>
${
  list.items.length
    ? html`<div class="scroll"><table class="data stack" id="templates"><thead><tr><th scope="col">${col("kind")}</th><th scope="col">${col("lang")}</th><th scope="col">${col("name")}</th><th scope="col">${col("status")}</th><th scope="col">${col("updated")}</th><th scope="col">${col("action")}</th></tr></thead>
<tbody>${list.items.map((tp) => templateRow(ctx, tp))}</tbody></table></div>`
    : html`<p>${t("console:templates.none")}</p>`
}</section>
<form method="post" action="${TEMPLATES_PATH}" id="template-form" class="card">${csrfField(ctx)}<h2>${t("console:templates.add")}</h2>
<div class="filters"><div><label for="tpl-kind">${col("kind")}</label><select id="tpl-kind" name="kind" required>${list.kinds.map((k) => html`<option value="${k}">${t(`console:templates.kinds.${k}`, { defaultValue: k })}</option>`)}</select></div>
<div><label for="tpl-lang">${col("lang")}</label><select id="tpl-lang" name="lang" required><option value="id">${t("console:languages.id")}</option><option value="bjn">${t("console:languages.bjn")}</option></select></div>
<div><label for="tpl-name">${t("console:templates.name")}</label><input id="tpl-name" name="name" required pattern="[a-z0-9_]{1,512}" autocomplete="off" spellcheck="false" aria-describedby="tpl-name-hint"></div></div>
<p class="hint" id="tpl-name-hint">${t("console:templates.nameHint")}</p>
<button type="submit" data-busy="${t("console:busy")}">${t("console:templates.addSubmit")}</button></form>
<section aria-labelledby="cfg-h"><h2 id="cfg-h">${t("console:templates.configured")}</h2><p class="hint">${t("console:templates.configuredHint")}</p>
${
  configured.length
    ? html`<ul class="plain" id="configured">${configured.map((c) => html`<li>${t(`console:templates.kinds.${c.kind}`, { defaultValue: c.kind })} · ${t(`console:languages.${c.lang}`)}: <code>${c.name}</code>${c.inForce ? "" : html` <span class="tag">${t("console:templates.overridden")}</span>`}</li>`)}</ul>`
    : html`<p>${t("console:templates.noneConfigured")}</p>`
}</section>
<p><a href="/konsol/konten">${t("console:content.back")}</a></p>`;
}

interface ChangeRoute {
  Params: { id: string };
  Body: { name?: unknown; reason?: unknown };
}

export function templateRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get("/konten/template-whatsapp", async (request, reply) => {
    const ctx = await staffContext(deps, request, reply);
    if (!may(ADMINS, ctx.me.account.role)) return reply.callNotFound();
    const res = await callApi<TemplateList>(deps.app, request, "GET", "/api/v1/whatsapp-templates");
    if (!res.ok) throw Object.assign(new Error("templates failed"), { statusCode: 502 });
    return reply.type("text/html; charset=utf-8").send(layout(ctx, { title: ctx.t("console:templates.title") }, page(ctx, res.body)));
  });

  const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");

  app.post<{ Body: Record<string, unknown> }>(
    "/konten/template-whatsapp",
    { preValidation: app.csrfProtection.bind(app) },
    async (request, reply) => {
      const form = request.body ?? {};
      const name = text(form.name);
      if (!NAME.test(name)) return redirectBack(reply, TEMPLATES_PATH, { galat: "validation_failed", kolom: "templateName" });
      const res = await callApi(deps.app, request, "POST", "/api/v1/whatsapp-templates", {
        kind: text(form.kind),
        lang: text(form.lang),
        name,
      });
      if (res.status === 401) return reply.redirect("/konsol/masuk", 303);
      return redirectBack(
        reply,
        TEMPLATES_PATH,
        res.ok ? { ok: "templateAdded" } : { galat: errorCode(res.body), kolom: errorField(res.body) },
      );
    },
  );

  const change =
    (kind: "edit" | "disable" | "enable", done: string) => async (request: FastifyRequest<ChangeRoute>, reply: FastifyReply) => {
      if (!/^[0-9a-f-]{36}$/i.test(request.params.id)) return redirectBack(reply, TEMPLATES_PATH, { galat: "not_found" });
      const reason = text(request.body?.reason);
      if (reason.length < REASON.min || reason.length > REASON.max)
        return redirectBack(reply, TEMPLATES_PATH, { galat: "validation_failed", kolom: "reason" });
      const name = text(request.body?.name);
      if (kind === "edit" && !NAME.test(name))
        return redirectBack(reply, TEMPLATES_PATH, { galat: "validation_failed", kolom: "templateName" });
      const payload = kind === "edit" ? { name, reason } : { disabled: kind === "disable", reason };
      const res = await callApi(deps.app, request, "PATCH", `/api/v1/whatsapp-templates/${request.params.id}`, payload);
      if (res.status === 401) return reply.redirect("/konsol/masuk", 303);
      return redirectBack(reply, TEMPLATES_PATH, res.ok ? { ok: done } : { galat: errorCode(res.body), kolom: errorField(res.body) });
    };
  app.post<ChangeRoute>("/konten/template-whatsapp/:id", { preValidation: app.csrfProtection.bind(app) }, change("edit", "templateSaved"));
  app.post<ChangeRoute>(
    "/konten/template-whatsapp/:id/nonaktif",
    { preValidation: app.csrfProtection.bind(app) },
    change("disable", "templateDisabled"),
  );
  app.post<ChangeRoute>(
    "/konten/template-whatsapp/:id/aktif",
    { preValidation: app.csrfProtection.bind(app) },
    change("enable", "templateEnabled"),
  );
}
