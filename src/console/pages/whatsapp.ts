// WhatsApp (Pokja only): is the service's WhatsApp number connected, and the pairing QR while one
// waits to be scanned. Through the channel's own GET /admin/whatsapp/status and /qr
// (src/channels/whatsapp/routes.ts); when WhatsApp (Baileys) is off those routes do not exist,
// and the page says so. Below the connection: WhatsApp's restrictions on the number in force
// (channels/whatsapp/safety.ts), what they hold back and when they lift.
import type { FastifyInstance } from "fastify";
import { callApi } from "../api.js";
import { staffContext, type ConsoleDeps } from "../context.js";
import { html } from "../html.js";
import { formatDateTime } from "../format.js";
import { layout } from "../layout.js";
import { ADMINS, may } from "../nav.js";

interface Safety {
  paused: boolean;
  restrictions: {
    cause: string;
    since: string;
    liftsAt: string;
    detail: { enforcement?: string; capping?: string; used?: number; total?: number; guessedEnd?: boolean };
  }[];
}
const CAUSES = ["reachout-timelock", "message-capping", "account-restricted"];

/** The adapter's states (src/channels/whatsapp/adapter.ts WhatsAppStatus). */
const STATES = ["stopped", "waiting-for-lock", "connecting", "open", "logged-out", "replaced"];

export function whatsAppRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get("/whatsapp", async (request, reply) => {
    const ctx = await staffContext(deps, request, reply);
    if (!may(ADMINS, ctx.me.account.role)) return reply.callNotFound();
    const t = ctx.t;
    const res = await callApi<{ status: string; qrWaiting: boolean; safety?: Safety }>(deps.app, request, "GET", "/admin/whatsapp/status");
    let body;
    if (res.status === 404) {
      body = html`<p class="card" id="wa-status" data-status="off">${t("console:whatsapp.off")}</p>`;
    } else if (!res.ok) {
      throw Object.assign(new Error("whatsapp status failed"), { statusCode: 502 });
    } else {
      const state = STATES.includes(res.body.status) ? res.body.status : "unknown";
      body = html`<p class="card" id="wa-status" data-status="${state}" role="status"><strong>${t("console:whatsapp.status")}:</strong> ${t(`console:whatsapp.states.${state}`)}</p>
${
  res.body.qrWaiting
    ? html`<section aria-labelledby="qr-h" class="card"><h2 id="qr-h">${t("console:whatsapp.pair")}</h2><p>${t("console:whatsapp.pairHint")}</p>
<p><img src="/admin/whatsapp/qr" alt="${t("console:whatsapp.qrAlt")}" width="264" height="264" id="wa-qr"></p>
<p><a href="/admin/whatsapp/qr" target="_blank" rel="noopener">${t("console:whatsapp.qrOnly")}</a> · <a href="/konsol/whatsapp">${t("console:whatsapp.reload")}</a></p></section>`
    : html`<p class="hint">${t(state === "open" ? "console:whatsapp.paired" : "console:whatsapp.noQr")} <a href="/konsol/whatsapp">${t("console:whatsapp.reload")}</a></p>`
}
${safetySection(t, res.body.safety ?? { paused: false, restrictions: [] })}`;
    }
    void reply.header("cache-control", "no-store");
    return reply.type("text/html; charset=utf-8").send(layout(ctx, { title: t("console:whatsapp.title") }, body));
  });
}

function safetySection(t: (key: string, vars?: Record<string, unknown>) => string, safety: Safety) {
  const list = safety.restrictions.filter((r) => CAUSES.includes(r.cause));
  if (!safety.paused || list.length === 0) {
    return html`<section aria-labelledby="safety-h" class="card" id="wa-safety" data-paused="false"><h2 id="safety-h">${t("console:whatsapp.safety.title")}</h2><p>${t("console:whatsapp.safety.none")}</p></section>`;
  }
  const last = list.reduce((at, r) => (r.liftsAt > at ? r.liftsAt : at), list[0]?.liftsAt ?? "");
  const detail = (r: Safety["restrictions"][number]) =>
    [
      r.detail.enforcement,
      r.detail.capping,
      r.detail.used !== undefined && r.detail.total !== undefined
        ? t("console:whatsapp.safety.quota", { used: r.detail.used, total: r.detail.total })
        : undefined,
      r.detail.guessedEnd ? t("console:whatsapp.safety.guessed") : undefined,
    ]
      .filter(Boolean)
      .join(" · ");
  return html`<section aria-labelledby="safety-h" class="card" id="wa-safety" data-paused="true" role="alert"><h2 id="safety-h">${t("console:whatsapp.safety.title")}</h2>
<p><strong>${t("console:whatsapp.safety.paused", { until: formatDateTime(last) })}</strong></p>
<table><thead><tr><th scope="col">${t("console:whatsapp.safety.cause")}</th><th scope="col">${t("console:whatsapp.safety.since")}</th><th scope="col">${t("console:whatsapp.safety.until")}</th><th scope="col">${t("console:whatsapp.safety.detail")}</th></tr></thead>
<tbody>${list.map(
    (r) =>
      html`<tr data-cause="${r.cause}"><td>${t(`console:whatsapp.safety.causes.${r.cause}`)}</td><td>${formatDateTime(r.since)}</td><td data-lifts-at="${r.liftsAt}">${formatDateTime(r.liftsAt)}</td><td>${detail(r)}</td></tr>`,
  )}</tbody></table></section>`;
}
