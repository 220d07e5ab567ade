// WhatsApp (Pokja only): is the service's WhatsApp number connected, and the pairing QR while one
// waits to be scanned. Through the channel's own GET /admin/whatsapp/status and /qr
// (src/channels/whatsapp/routes.ts); when WhatsApp (Baileys) is off those routes do not exist,
// and the page says so.
import type { FastifyInstance } from "fastify";
import { callApi } from "../api.js";
import { staffContext, type ConsoleDeps } from "../context.js";
import { html } from "../html.js";
import { layout } from "../layout.js";
import { ADMINS, may } from "../nav.js";

/** The adapter's states (src/channels/whatsapp/adapter.ts WhatsAppStatus). */
const STATES = ["stopped", "waiting-for-lock", "connecting", "open", "logged-out", "replaced"];

export function whatsAppRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get("/whatsapp", async (request, reply) => {
    const ctx = await staffContext(deps, request, reply);
    if (!may(ADMINS, ctx.me.account.role)) return reply.callNotFound();
    const t = ctx.t;
    const res = await callApi<{ status: string; qrWaiting: boolean }>(deps.app, request, "GET", "/admin/whatsapp/status");
    let body;
    if (res.status === 404) {
      body = html`<p class="card" id="wa-status" data-status="off">${t("console:whatsapp.off")}</p>`;
    } else if (!res.ok) {
      throw Object.assign(new Error("whatsapp status failed"), { statusCode: 502 });
    } else {
      const state = STATES.includes(res.body.status) ? res.body.status : "unknown";
      body = html`<p class="card" id="wa-status" data-status="${state}" role="status"><strong>${t("console:whatsapp.status")}:</strong> ${t(`console:whatsapp.states.${state}`)}</p>
${res.body.qrWaiting
  ? html`<section aria-labelledby="qr-h" class="card"><h2 id="qr-h">${t("console:whatsapp.pair")}</h2><p>${t("console:whatsapp.pairHint")}</p>
<p><img src="/admin/whatsapp/qr" alt="${t("console:whatsapp.qrAlt")}" width="264" height="264" id="wa-qr"></p>
<p><a href="/admin/whatsapp/qr" target="_blank" rel="noopener">${t("console:whatsapp.qrOnly")}</a> · <a href="/konsol/whatsapp">${t("console:whatsapp.reload")}</a></p></section>`
  : html`<p class="hint">${t(state === "open" ? "console:whatsapp.paired" : "console:whatsapp.noQr")} <a href="/konsol/whatsapp">${t("console:whatsapp.reload")}</a></p>`}`;
    }
    void reply.header("cache-control", "no-store");
    return reply.type("text/html; charset=utf-8").send(layout(ctx, { title: t("console:whatsapp.title") }, body));
  });
}
