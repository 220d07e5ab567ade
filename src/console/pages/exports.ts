// Ekspor / impor: the recap, publication and e-PPGBM exports (the console checks the form, then
// hands the download to the API's streamed, audited export), and the e-PPGBM import: a dry run
// first, then apply, sent by the page's script straight to the API with a progress indicator.
import type { FastifyInstance } from "fastify";
import { localDateOf } from "../../reminders/dates.js";
import { query } from "../api.js";
import { redirectBack, staffContext, type ConsoleDeps } from "../context.js";
import { MONTH_PATTERN } from "../format.js";
import { html, type Html } from "../html.js";
import { layout, type PageContext } from "../layout.js";
import { IMPORTERS, may } from "../nav.js";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const FORMATS = ["csv", "xlsx"] as const;

function formatSelect(ctx: PageContext, id: string): Html {
  return html`<label for="${id}">${ctx.t("console:exports.format")}</label><select id="${id}" name="format">${FORMATS.map((f) => html`<option value="${f}">${f.toUpperCase()}</option>`)}</select>`;
}

function exportForms(ctx: PageContext, month: string, today: string): Html {
  const t = ctx.t;
  return html`<section aria-labelledby="exp-h"><h2 id="exp-h">${t("console:exports.exports")}</h2>
<form method="get" action="/konsol/ekspor/unduh" class="card" id="export-recap">
  <h3>${t("console:exports.recap")}</h3><p class="hint">${t("console:exports.recapHint")}</p>
  <input type="hidden" name="jenis" value="recap">
  <label for="recap-month">${t("console:dashboard.month")}</label><input type="month" id="recap-month" name="bulan" value="${month}" required>
  <label for="recap-by">${t("console:exports.by")}</label><select id="recap-by" name="per"><option value="posyandu">${t("console:exports.byPosyandu")}</option><option value="puskesmas">${t("console:exports.byPuskesmas")}</option></select>
  ${formatSelect(ctx, "recap-format")}
  <button type="submit">${t("console:exports.download")}</button>
</form>
<form method="get" action="/konsol/ekspor/unduh" class="card" id="export-publication">
  <h3>${t("console:exports.publication")}</h3><p class="hint">${t("console:exports.publicationHint")}</p>
  <input type="hidden" name="jenis" value="publication">
  <label for="pub-month">${t("console:dashboard.month")}</label><input type="month" id="pub-month" name="bulan" value="${month}" required>
  ${formatSelect(ctx, "pub-format")}
  <button type="submit">${t("console:exports.download")}</button>
</form>
<form method="get" action="/konsol/ekspor/unduh" class="card" id="export-eppgbm">
  <h3>${t("console:exports.eppgbm")}</h3><p class="hint">${t("console:exports.eppgbmHint")}</p>
  <input type="hidden" name="jenis" value="eppgbm">
  <label for="epp-from">${t("console:exports.from")}</label><input type="date" id="epp-from" name="dari" value="${month}-01" required>
  <label for="epp-to">${t("console:exports.to")}</label><input type="date" id="epp-to" name="sampai" value="${today}" required>
  ${formatSelect(ctx, "epp-format")}
  <button type="submit">${t("console:exports.download")}</button>
</form></section>`;
}

function importForm(ctx: PageContext): Html {
  const t = ctx.t;
  const texts = {
    checking: t("console:imports.checking"),
    applying: t("console:imports.applying"),
    rows: t("console:imports.rows"),
    childrenNew: t("console:imports.childrenNew"),
    childrenMatched: t("console:imports.childrenMatched"),
    measurementsNew: t("console:imports.measurementsNew"),
    measurementsStored: t("console:imports.measurementsStored"),
    problems: t("console:imports.problems"),
    noProblems: t("console:imports.noProblems"),
    applied: t("console:imports.applied"),
    failed: t("console:imports.failed"),
    row: t("console:imports.row"),
    column: t("console:imports.column"),
    reason: t("console:imports.reason"),
  };
  return html`<section aria-labelledby="imp-h"><h2 id="imp-h">${t("console:imports.title")}</h2>
<form class="card" id="import" data-texts="${JSON.stringify(texts)}">
  <p class="hint">${t("console:imports.hint")}</p>
  <label for="import-file">${t("console:imports.file")}</label>
  <input type="file" id="import-file" name="file" accept=".xlsx,.xls,.csv" required>
  <button type="submit" name="mode" value="dry">${t("console:imports.dryRun")}</button>
  <button type="button" id="import-apply" class="secondary" disabled>${t("console:imports.apply")}</button>
  <noscript><p>${t("console:imports.needsScript")}</p></noscript>
  <p id="import-progress" hidden><progress aria-label="${t("console:busy")}"></progress> <span></span></p>
  <div id="import-result" aria-live="polite"></div>
</form></section>`;
}

interface DownloadQuery {
  jenis?: string;
  bulan?: string;
  per?: string;
  dari?: string;
  sampai?: string;
  format?: string;
}

/** The API export URL for a valid form, or null. */
export function exportUrl(q: DownloadQuery): string | null {
  const format = (FORMATS as readonly string[]).includes(q.format ?? "") ? q.format : null;
  if (!format) return null;
  if (q.jenis === "recap" && q.bulan && MONTH_PATTERN.test(q.bulan) && (q.per === "posyandu" || q.per === "puskesmas")) {
    return `/api/v1/reports/exports/recap${query({ month: q.bulan, by: q.per, format })}`;
  }
  if (q.jenis === "publication" && q.bulan && MONTH_PATTERN.test(q.bulan))
    return `/api/v1/reports/exports/publication${query({ month: q.bulan, format })}`;
  if (q.jenis === "eppgbm" && q.dari && q.sampai && DAY.test(q.dari) && DAY.test(q.sampai) && q.dari <= q.sampai) {
    return `/api/v1/reports/exports/eppgbm${query({ from: q.dari, to: q.sampai, format })}`;
  }
  return null;
}

export function exportRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get("/ekspor", async (request, reply) => {
    const ctx = await staffContext(deps, request, reply);
    const today = localDateOf(deps.rt.clock.now());
    const body = html`${exportForms(ctx, today.slice(0, 7), today)}${may(IMPORTERS, ctx.me.account.role) ? importForm(ctx) : ""}`;
    return reply.type("text/html; charset=utf-8").send(layout(ctx, { title: ctx.t("console:exports.title") }, body));
  });

  // Checked here so a wrong date gets an answer in Indonesian; the file itself comes from the API.
  app.get<{ Querystring: DownloadQuery }>("/ekspor/unduh", async (request, reply) => {
    await staffContext(deps, request, reply);
    const url = exportUrl(request.query);
    if (!url) return redirectBack(reply, "/konsol/ekspor", { galat: "export_form" });
    return reply.redirect(url, 303);
  });
}
