// The delivery report of a campaign on its page: totals, progress, per kecamatan, failures by
// reason and the per-recipient CSV; konsol.js refreshes the figures in place while it sends.
import { formatPercent } from "../format.js";
import { html, type Html } from "../html.js";
import type { PageContext } from "../layout.js";

export interface Report {
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

export function reportTable(ctx: PageContext, id: string, report: Report, live: boolean): Html {
  const t = ctx.t;
  const n = report.totals;
  const percent = processedPercent(n);
  return html`<section aria-labelledby="rep-h" id="live-report"${live ? html` data-live="/api/v1/campaigns/${id}/report"` : ""} data-texts="${JSON.stringify({ status: t("console:campaigns.status", { returnObjects: true }) })}"><h2 id="rep-h">${t("console:campaigns.report")}</h2>
<p><progress id="progress" max="100" value="${percent === null ? 0 : Math.round(percent)}"></progress> <span data-field="progress">${formatPercent(percent)}</span> ${t("console:campaigns.processed")}</p>
<table class="data" id="report"><tbody>${REPORT_ROWS.map((k) => html`<tr><th scope="row">${t(`console:campaigns.totals.${k}`)}</th><td class="num" data-field="${k}">${n[k] ?? 0}</td></tr>`)}</tbody></table>
${reportDetails(ctx, report)}
${n.recipients ? html`<p><a href="/api/v1/campaigns/${id}/recipients.csv" download id="recipients-csv">${t("console:campaigns.recipientsCsv")}</a> <span class="hint">${t("console:campaigns.recipientsCsvHint")}</span></p>` : ""}</section>`;
}
