// Kotak masuk bidan: "Tanya bidan" questions of the caller's area waiting for an answer. Taking
// one (claim) tells colleagues it is being handled; the answer goes to the person's own chat
// channel through POST /api/v1/handoff-questions/:id/answer and marks it answered.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { callApi, query } from "../api.js";
import { errorCode, redirectBack, staffContext, type ConsoleDeps } from "../context.js";
import { formatDay } from "../format.js";
import { html } from "../html.js";
import { csrfField, layout, type PageContext } from "../layout.js";
import { ANSWERERS, may } from "../nav.js";

interface Question {
  id: string;
  number: number;
  status: "open" | "claimed" | "answered";
  lang: string;
  question: string;
  answer: string | null;
  claimedBy: string | null;
  createdAt: string;
  answeredAt: string | null;
}

/** The API's answer length (src/handoff/routes.ts). */
const ANSWER_MIN = 2;
const ANSWER_MAX = 2000;

function questionCard(ctx: PageContext, q: Question) {
  const t = ctx.t;
  const mine = q.claimedBy === ctx.me!.account.id;
  const id = `answer-${q.id}`;
  return html`<article class="card question" data-question="${q.id}" aria-labelledby="q-${q.id}">
  <h3 id="q-${q.id}">T-${q.number} · ${formatDay(q.createdAt)} · ${t(`console:inbox.status.${q.status}`)}${q.claimedBy ? html` ${mine ? t("console:inbox.byMe") : t("console:inbox.byColleague")}` : ""}</h3>
  <p class="asked">${q.question}</p>
  <p class="hint">${t("console:inbox.language", { lang: t(`console:languages.${q.lang}`, { defaultValue: q.lang }) })}</p>
  ${q.status === "open" ? html`<form method="post" action="/konsol/kotak-masuk/${q.id}/ambil">${csrfField(ctx)}<button type="submit" class="secondary">${t("console:inbox.claim")}</button></form>` : ""}
  <form method="post" action="/konsol/kotak-masuk/${q.id}/jawab">
    ${csrfField(ctx)}
    <label for="${id}">${t("console:inbox.answer")}</label>
    <textarea id="${id}" name="answer" rows="4" required minlength="${ANSWER_MIN}" maxlength="${ANSWER_MAX}"></textarea>
    <button type="submit" data-busy="${t("console:busy")}">${t("console:inbox.send")}</button>
  </form>
</article>`;
}

interface ActionRoute {
  Params: { id: string };
  Body: { answer?: string };
}

export function inboxRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get("/kotak-masuk", async (request, reply) => {
    const ctx = await staffContext(deps, request, reply);
    const t = ctx.t;
    if (!may(ANSWERERS, ctx.me.account.role)) return reply.callNotFound();
    const [open, claimed, answered] = await Promise.all(
      (["open", "claimed", "answered"] as const).map((status) =>
        callApi<{ items: Question[]; total: number }>(
          deps.app,
          request,
          "GET",
          `/api/v1/handoff-questions${query({ status, limit: status === "answered" ? 10 : 100 })}`,
        ),
      ),
    );
    if (!open?.ok || !claimed?.ok || !answered?.ok) throw Object.assign(new Error("inbox failed"), { statusCode: 502 });
    const waiting = [...open.body.items, ...claimed.body.items].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const body = html`<section aria-labelledby="wait-h"><h2 id="wait-h">${t("console:inbox.waiting", { count: waiting.length })}</h2>
${waiting.length ? waiting.map((q) => questionCard(ctx, q)) : html`<p>${t("console:inbox.empty")}</p>`}</section>
<section aria-labelledby="done-h"><h2 id="done-h">${t("console:inbox.answered")}</h2>
${
  answered.body.items.length
    ? html`<ul class="answered">${answered.body.items.map((q) => html`<li data-question="${q.id}"><strong>T-${q.number}</strong> ${q.question}<br><span class="hint">${t("console:inbox.answerWas")}: ${q.answer ?? ""} (${q.answeredAt ? formatDay(q.answeredAt) : ""})</span></li>`)}</ul>`
    : html`<p>${t("console:inbox.noneAnswered")}</p>`
}</section>`;
    return reply.type("text/html; charset=utf-8").send(layout(ctx, { title: t("console:inbox.title") }, body));
  });

  const act = (path: "claim" | "answer", done: string) => async (request: FastifyRequest<ActionRoute>, reply: FastifyReply) => {
    const back = "/konsol/kotak-masuk";
    if (!/^[0-9a-f-]{36}$/i.test(request.params.id)) return redirectBack(reply, back, { galat: "not_found" });
    const answer = typeof request.body?.answer === "string" ? request.body.answer.trim() : "";
    if (path === "answer" && answer.length < ANSWER_MIN) return redirectBack(reply, back, { galat: "answer_too_short" });
    const res = await callApi(
      deps.app,
      request,
      "POST",
      `/api/v1/handoff-questions/${request.params.id}/${path}`,
      path === "answer" ? { answer } : undefined,
    );
    if (res.status === 401) return reply.redirect("/konsol/masuk", 303);
    return redirectBack(reply, back, res.ok ? { ok: done } : { galat: errorCode(res.body) });
  };
  app.post<ActionRoute>("/kotak-masuk/:id/ambil", { preValidation: app.csrfProtection.bind(app) }, act("claim", "claimed"));
  app.post<ActionRoute>("/kotak-masuk/:id/jawab", { preValidation: app.csrfProtection.bind(app) }, act("answer", "answered"));
}
