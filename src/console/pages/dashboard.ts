// Beranda: prevalence per kecamatan (or per desa of one kecamatan) as bars with the regency
// average and coverage beside every bar, and the monthly trend; each chart's numbers in a table
// under it (the charts are drawn from those tables). Figures are the API's: /api/v1/reports/….
import type { FastifyInstance } from "fastify";
import { localDateOf } from "../../reminders/dates.js";
import { callApi, query } from "../api.js";
import { staffContext, type ConsoleDeps } from "../context.js";
import { formatMonth, formatPercent, monthMinus, MONTH_PATTERN } from "../format.js";
import { html, type Html } from "../html.js";
import { layout, type PageContext } from "../layout.js";

const INDICATORS = ["stunting", "wasting", "underweight", "overweight"] as const;
type Indicator = (typeof INDICATORS)[number];
const LOKUS = ["", "only", "others"] as const;

interface Figure {
  cases: number;
  measured: number;
  percent: number | null;
  smallN: boolean;
  change?: { points: number; direction: "naik" | "turun" | "tetap" } | null;
}
interface AreaFigures {
  registered: number;
  measured: number;
  coverage: number | null;
  indicators: Record<Indicator, Figure>;
}
interface Prevalence {
  month: string;
  areas: (AreaFigures & { code: string; name: string })[];
  total: AreaFigures;
  regency: AreaFigures;
}
interface TrendPoint {
  month: string;
  total: AreaFigures;
  regency: AreaFigures;
}

export interface DashboardFilter {
  month: string;
  indicator: Indicator;
  kecamatan: string;
  lokus: (typeof LOKUS)[number];
}

function filterOf(q: Record<string, string | undefined>, today: string): DashboardFilter {
  return {
    month: q.bulan && MONTH_PATTERN.test(q.bulan) ? q.bulan : today.slice(0, 7),
    indicator: (INDICATORS as readonly string[]).includes(q.indikator ?? "") ? (q.indikator as Indicator) : "stunting",
    kecamatan: q.kecamatan && /^\d{2}\.\d{2}\.\d{2}$/.test(q.kecamatan) ? q.kecamatan : "",
    lokus: (LOKUS as readonly string[]).includes(q.lokus ?? "") ? (q.lokus as DashboardFilter["lokus"]) : "",
  };
}

function option(value: string, label: string, selected: boolean): Html {
  return html`<option value="${value}"${selected ? html` selected` : ""}>${label}</option>`;
}

function filterForm(ctx: PageContext, f: DashboardFilter, kecamatan: { code: string; name: string }[]): Html {
  const t = ctx.t;
  return html`<form method="get" action="/konsol" class="filters" aria-label="${t("console:dashboard.filters")}">
  <div><label for="bulan">${t("console:dashboard.month")}</label><input type="month" id="bulan" name="bulan" value="${f.month}" required></div>
  <div><label for="indikator">${t("console:dashboard.indicator")}</label><select id="indikator" name="indikator">${INDICATORS.map((i) => option(i, t(`console:indicators.${i}`), i === f.indicator))}</select></div>
  <div><label for="kecamatan">${t("console:dashboard.area")}</label><select id="kecamatan" name="kecamatan">${option("", t("console:dashboard.allKecamatan"), f.kecamatan === "")}${kecamatan.map((k) => option(k.code, k.name, k.code === f.kecamatan))}</select></div>
  <div><label for="lokus">${t("console:dashboard.lokus")}</label><select id="lokus" name="lokus">${LOKUS.map((l) => option(l, t(`console:dashboard.lokusChoice.${l || "all"}`), l === f.lokus))}</select></div>
  <div><button type="submit">${t("console:dashboard.show")}</button></div>
</form>`;
}

function barsSection(ctx: PageContext, f: DashboardFilter, report: Prevalence): Html {
  const t = ctx.t;
  const ind = f.indicator;
  const average = report.regency.indicators[ind].percent;
  const areaName = (a: { code: string; name: string }) => (a.code === "unknown" ? t("console:dashboard.unknownArea") : a.name);
  const chart = {
    kind: "bars",
    labels: report.areas.map(
      (a) => `${areaName(a)} · ${a.indicators[ind].cases}/${a.indicators[ind].measured}${a.indicators[ind].smallN ? " *" : ""}`,
    ),
    values: report.areas.map((a) => a.indicators[ind].percent),
    small: report.areas.map((a) => a.indicators[ind].smallN),
    average,
    averageLabel: t("console:dashboard.regencyAverage", { value: formatPercent(average) }),
    axis: t("console:dashboard.percentAxis"),
  };
  const heading = t(f.kecamatan ? "console:dashboard.perDesa" : "console:dashboard.perKecamatan", {
    indicator: t(`console:indicators.${ind}`),
    month: formatMonth(f.month),
  });
  const change = (x: Figure) =>
    x.change
      ? t(`console:dashboard.change.${x.change.direction}`, { points: formatPercent(Math.abs(x.change.points)).replace("%", "") })
      : "–";
  const rows = report.areas.map(
    (a) => html`<tr class="${a.indicators[ind].smallN ? "small-n" : ""}" data-code="${a.code}">
  <th scope="row">${areaName(a)}</th>
  <td class="num" data-field="percent">${formatPercent(a.indicators[ind].percent)}</td>
  <td class="num" data-field="cases">${a.indicators[ind].cases}/${a.indicators[ind].measured}</td>
  <td class="num" data-field="coverage">${formatPercent(a.coverage)} (${a.measured}/${a.registered})</td>
  <td>${change(a.indicators[ind])}</td>
  <td>${a.indicators[ind].smallN ? t("console:dashboard.smallN") : ""}</td>
</tr>`,
  );
  return html`<section aria-labelledby="bars-h">
  <h2 id="bars-h">${heading}</h2>
  <figure class="chart"><div class="chart-box"><canvas role="img" aria-label="${heading}" data-chart="${JSON.stringify(chart)}"></canvas></div></figure>
  <p class="hint">${t("console:dashboard.smallNHint")}</p>
  <div class="scroll"><table class="data" id="prevalence-table">
    <caption>${heading}</caption>
    <thead><tr><th scope="col">${t("console:dashboard.col.area")}</th><th scope="col">${t("console:dashboard.col.percent")}</th><th scope="col">${t("console:dashboard.col.cases")}</th><th scope="col">${t("console:dashboard.col.coverage")}</th><th scope="col">${t("console:dashboard.col.lastYear")}</th><th scope="col">${t("console:dashboard.col.note")}</th></tr></thead>
    <tbody>${rows}</tbody>
    <tfoot><tr data-code="regency"><th scope="row">${t("console:dashboard.regency")}</th><td class="num" data-field="percent">${formatPercent(average)}</td><td class="num" data-field="cases">${report.regency.indicators[ind].cases}/${report.regency.indicators[ind].measured}</td><td class="num" data-field="coverage">${formatPercent(report.regency.coverage)} (${report.regency.measured}/${report.regency.registered})</td><td>${change(report.regency.indicators[ind])}</td><td></td></tr></tfoot>
  </table></div>
</section>`;
}

function trendSection(ctx: PageContext, f: DashboardFilter, months: TrendPoint[], wholeRegency: boolean): Html {
  const t = ctx.t;
  const ind = f.indicator;
  const heading = t("console:dashboard.trend", { indicator: t(`console:indicators.${ind}`) });
  const chart = {
    kind: "trend",
    labels: months.map((m) => formatMonth(m.month)),
    // Whoever sees the whole regency would see the same line twice.
    series: [
      {
        label: t(wholeRegency ? "console:dashboard.regency" : "console:dashboard.myArea"),
        values: months.map((m) => m.total.indicators[ind].percent),
      },
      ...(wholeRegency ? [] : [{ label: t("console:dashboard.regency"), values: months.map((m) => m.regency.indicators[ind].percent) }]),
    ],
    axis: t("console:dashboard.percentAxis"),
  };
  const rows = months.map(
    (m) =>
      html`<tr data-month="${m.month}"><th scope="row">${formatMonth(m.month)}</th><td class="num" data-field="percent">${formatPercent(m.total.indicators[ind].percent)}</td><td class="num">${m.total.indicators[ind].cases}/${m.total.indicators[ind].measured}</td><td class="num">${formatPercent(m.regency.indicators[ind].percent)}</td></tr>`,
  );
  return html`<section aria-labelledby="trend-h">
  <h2 id="trend-h">${heading}</h2>
  <figure class="chart"><div class="chart-box"><canvas role="img" aria-label="${heading}" data-chart="${JSON.stringify(chart)}"></canvas></div></figure>
  <div class="scroll"><table class="data" id="trend-table">
    <caption>${heading}</caption>
    <thead><tr><th scope="col">${t("console:dashboard.col.month")}</th><th scope="col">${t("console:dashboard.myArea")}</th><th scope="col">${t("console:dashboard.col.cases")}</th><th scope="col">${t("console:dashboard.regency")}</th></tr></thead>
    <tbody>${rows}</tbody>
  </table></div>
</section>`;
}

interface Skdn {
  S: number;
  K: number;
  D: number;
  N: number;
  T: number;
  "2T": number;
  BGM: number;
  "D/S": number | null;
  "N/D": number | null;
}
interface SkdnReport {
  posyandu: { posyanduId: string; name: string; desaCode: string; all: Skdn }[];
}

const SKDN_COLUMNS = ["S", "K", "D", "N", "T", "2T", "BGM"] as const;

/** SKDN per posyandu (F1 gizi), folded away: a regency has a posyandu per desa. */
function skdnSection(ctx: PageContext, f: DashboardFilter, report: SkdnReport): Html {
  const t = ctx.t;
  const units = report.posyandu.filter((p) => !f.kecamatan || p.desaCode.startsWith(`${f.kecamatan}.`));
  const heading = t("console:dashboard.skdn", { month: formatMonth(f.month), count: units.length });
  const rows = units.map(
    (p) =>
      html`<tr data-posyandu="${p.posyanduId}"><th scope="row">${p.name}</th>${SKDN_COLUMNS.map((c) => html`<td class="num" data-field="${c}">${p.all[c]}</td>`)}<td class="num" data-field="D/S">${formatPercent(p.all["D/S"])}</td><td class="num" data-field="N/D">${formatPercent(p.all["N/D"])}</td></tr>`,
  );
  // D/S (participation) and N/D (result) per posyandu as paired bars; told apart by pattern and
  // legend as well as colour, and every number is in the table below.
  const chart = {
    kind: "skdn",
    labels: units.map((p) => p.name),
    series: [
      { label: t("console:dashboard.skdnDS"), values: units.map((p) => p.all["D/S"]) },
      { label: t("console:dashboard.skdnND"), values: units.map((p) => p.all["N/D"]) },
    ],
    axis: t("console:dashboard.percentAxis"),
  };
  const chartLabel = t("console:dashboard.skdnChart", { month: formatMonth(f.month) });
  return html`<section aria-labelledby="skdn-h"><h2 id="skdn-h">${heading}</h2>
${units.length ? html`<figure class="chart"><div class="chart-box"><canvas role="img" aria-label="${chartLabel}" id="skdn-chart" data-chart="${JSON.stringify(chart)}"></canvas></div></figure>` : ""}
<details${units.length <= 12 ? html` open` : ""}><summary>${t("console:dashboard.skdnShow")}</summary>
<p class="hint">${t("console:dashboard.skdnHint")}</p>
<div class="scroll"><table class="data" id="skdn-table"><caption>${heading}</caption>
<thead><tr><th scope="col">${t("console:dashboard.col.posyandu")}</th>${SKDN_COLUMNS.map((c) => html`<th scope="col">${c}</th>`)}<th scope="col">D/S</th><th scope="col">N/D</th></tr></thead>
<tbody>${rows}</tbody></table></div></details></section>`;
}

export function dashboardRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get<{ Querystring: Record<string, string | undefined> }>("/", async (request, reply) => {
    const ctx = await staffContext(deps, request, reply);
    const f = filterOf(request.query, localDateOf(deps.rt.clock.now()));
    const lokus = f.lokus || undefined;
    const [kec, prev, trend, skdn] = await Promise.all([
      callApi<{ items: { code: string; name: string }[] }>(deps.app, request, "GET", "/api/v1/areas?level=kecamatan"),
      callApi<Prevalence>(
        deps.app,
        request,
        "GET",
        `/api/v1/reports/prevalence${query({ month: f.month, level: f.kecamatan ? "desa" : "kecamatan", within: f.kecamatan || undefined, lokus })}`,
      ),
      callApi<{ months: TrendPoint[] }>(
        deps.app,
        request,
        "GET",
        `/api/v1/reports/trend${query({ from: monthMinus(f.month, 11), to: f.month, lokus })}`,
      ),
      callApi<SkdnReport>(deps.app, request, "GET", `/api/v1/reports/skdn${query({ month: f.month, lokus })}`),
    ]);
    const body = html`${filterForm(ctx, f, kec.ok ? kec.body.items : [])}
${prev.ok ? barsSection(ctx, f, prev.body) : html`<p role="alert">${ctx.t("console:errors.generic")}</p>`}
${trend.ok ? trendSection(ctx, f, trend.body.months, ctx.me.scope.all && !lokus) : ""}
${skdn.ok ? skdnSection(ctx, f, skdn.body) : ""}`;
    return reply.type("text/html; charset=utf-8").send(layout(ctx, { title: ctx.t("console:dashboard.title"), charts: true }, body));
  });
}
