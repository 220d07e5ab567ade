// The public summary ("publikasi", the Pokja's task under SK Bupati 188.45/317/Kum/2022): stunting
// prevalence per kecamatan for the latest weighing round beside the regency, with coverage and last
// year's round, and the regency's trend over rounds. Aggregates only; any figure from fewer than
// SMALL_N children is suppressed (not only greyed) so no child can be singled out. No login.
import type { FastifyInstance } from "fastify";
import { DateTime } from "luxon";
import { localDate } from "../growth/rules.js";
import type { Lang } from "../i18n/index.js";
import type { Runtime } from "../runtime.js";
import { prevalenceReport, trendReport, type AreaFigures } from "./figures.js";
import { SMALL_N } from "./stats.js";

/** The weighing rounds ("bulan timbang"): February and August. */
const ROUND_MONTHS = [2, 8];
/** How long a computed summary is served before it is counted again. */
const CACHE_MS = 10 * 60_000;
const ROUNDS_IN_TREND = 6;

/** The latest weighing round that has ended by `today` (YYYY-MM-DD, WITA). */
export function latestRound(today: string): string {
  let m = DateTime.fromISO(today, { zone: "utc" }).startOf("month").minus({ months: 1 });
  while (!ROUND_MONTHS.includes(m.month)) m = m.minus({ months: 1 });
  return m.toFormat("yyyy-MM");
}

/** The `count` rounds up to and including `last`, oldest first. */
export function roundsUpTo(last: string, count: number): string[] {
  const out: string[] = [];
  let m = DateTime.fromISO(`${last}-01`, { zone: "utc" });
  while (out.length < count) {
    if (ROUND_MONTHS.includes(m.month)) out.unshift(m.toFormat("yyyy-MM"));
    m = m.minus({ months: 1 });
  }
  return out;
}

export interface PublicFigure {
  measured: number;
  registered: number;
  coverage: number | null;
  /** Null when suppressed. */
  stuntingPercent: number | null;
  ci95: { low: number; high: number } | null;
  lastYearPercent: number | null;
  change: "naik" | "turun" | "tetap" | null;
  suppressed: boolean;
}

function publicFigure(a: AreaFigures): PublicFigure {
  const s = a.indicators.stunting;
  const suppressed = s.measured < SMALL_N;
  const lastSuppressed = !s.lastYear || s.lastYear.measured < SMALL_N;
  return {
    measured: suppressed ? 0 : s.measured,
    registered: suppressed ? 0 : a.registered,
    coverage: suppressed ? null : a.coverage,
    stuntingPercent: suppressed ? null : s.percent,
    ci95: suppressed ? null : s.ci95,
    lastYearPercent: lastSuppressed ? null : (s.lastYear?.percent ?? null),
    change: suppressed || lastSuppressed ? null : (s.change?.direction ?? null),
    suppressed,
  };
}

export interface PublicSummary {
  round: string;
  regency: PublicFigure;
  kecamatan: (PublicFigure & { name: string })[];
  trend: { round: string; stuntingPercent: number | null; measured: number }[];
}

const ALL = { role: "pokja_admin", puskesmasId: null, desaCode: null, posyanduId: null } as const;

export async function publicSummary(rt: Runtime, round: string): Promise<PublicSummary> {
  const [report, rounds] = await Promise.all([
    prevalenceReport(rt.db, ALL, round, "kecamatan"),
    trendReport(rt.db, ALL, roundsUpTo(round, ROUNDS_IN_TREND)),
  ]);
  const trend = rounds.map((r) => {
    const p = publicFigure(r.month === round ? report.regency : r.regency);
    return { round: r.month, stuntingPercent: p.stuntingPercent, measured: p.measured };
  });
  return {
    round,
    regency: publicFigure(report.regency),
    kecamatan: report.areas.filter((a) => a.code !== "unknown").map((a) => ({ name: a.name, ...publicFigure(a) })),
    trend,
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `styleNonce`: the CSP nonce (app.ts, helmet) that lets the page's own inline style apply. */
function renderPage(rt: Runtime, s: PublicSummary, lang: Lang, styleNonce: string): string {
  const t = (key: string, vars?: Record<string, unknown>) => escapeHtml(rt.i18n.t(lang, `reports:public.${key}`, vars));
  const pct = (v: number | null) =>
    v === null ? "–" : `${v.toLocaleString("id-ID", { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
  const row = (name: string, f: PublicFigure, strong = false) => {
    const cells = f.suppressed
      ? `<td colspan="4" class="small">${t("suppressed", { n: SMALL_N })}</td>`
      : `<td>${pct(f.stuntingPercent)}</td><td>${f.ci95 ? `${pct(f.ci95.low)} – ${pct(f.ci95.high)}` : "–"}</td><td>${f.measured} / ${f.registered} (${pct(f.coverage)})</td><td>${pct(f.lastYearPercent)}${f.change ? ` (${t(`change.${f.change}`)})` : ""}</td>`;
    return `<tr${strong ? ' class="total"' : ""}><th scope="row">${escapeHtml(name)}</th>${cells}</tr>`;
  };
  const monthName = (round: string) => DateTime.fromISO(`${round}-01`).setLocale("id").toFormat("LLLL yyyy");
  return `<!doctype html>
<html lang="${lang === "bjn" ? "bjn" : "id"}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t("title")}</title>
<style nonce="${styleNonce}">body{font-family:system-ui,sans-serif;margin:1rem;max-width:60rem;color:#222}table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border-bottom:1px solid #ccc;padding:.4rem;text-align:left}.total{font-weight:bold;background:#f3f3f3}.small{color:#777;font-style:italic}caption{text-align:left;font-weight:bold}</style>
</head><body>
<h1>${t("title")}</h1>
<p>${t("intro", { round: monthName(s.round) })}</p>
<table><caption>${t("tableCaption", { round: monthName(s.round) })}</caption>
<thead><tr><th scope="col">${t("col.area")}</th><th scope="col">${t("col.prevalence")}</th><th scope="col">${t("col.ci")}</th><th scope="col">${t("col.coverage")}</th><th scope="col">${t("col.lastYear")}</th></tr></thead>
<tbody>${s.kecamatan.map((k) => row(k.name, k)).join("")}${row(t("regency"), s.regency, true)}</tbody></table>
<table><caption>${t("trendCaption")}</caption><thead><tr><th scope="col">${t("col.round")}</th><th scope="col">${t("col.prevalence")}</th><th scope="col">${t("col.measured")}</th></tr></thead>
<tbody>${s.trend.map((r) => `<tr><th scope="row">${monthName(r.round)}</th><td>${pct(r.stuntingPercent)}</td><td>${r.measured || "–"}</td></tr>`).join("")}</tbody></table>
<p class="small">${t("method", { n: SMALL_N })}</p>
</body></html>`;
}

/** GET /publik (HTML) and /api/v1/public/summary (JSON), computed at most once per CACHE_MS. */
export async function publicRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  // The computation itself is kept (not only its result): visitors arriving while it runs share it
  // rather than each starting the same queries; a failed one is not kept.
  const cache = new Map<string, { at: number; value: Promise<PublicSummary> }>();
  const summary = (): Promise<PublicSummary> => {
    const now = rt.clock.now();
    const round = latestRound(localDate(now, rt.config.TIMEZONE));
    const hit = cache.get(round);
    if (hit && now.getTime() - hit.at < CACHE_MS) return hit.value;
    const value = publicSummary(rt, round);
    cache.clear();
    cache.set(round, { at: now.getTime(), value });
    value.catch(() => {
      if (cache.get(round)?.value === value) cache.delete(round);
    });
    return value;
  };
  const headers = { "cache-control": `public, max-age=${CACHE_MS / 1000}` };
  app.get("/api/v1/public/summary", async (_request, reply) => reply.headers(headers).send(await summary()));
  app.get<{ Querystring: { lang?: string } }>("/publik", async (request, reply) =>
    reply
      .headers(headers)
      .type("text/html; charset=utf-8")
      .send(renderPage(rt, await summary(), request.query.lang === "bjn" ? "bjn" : "id", reply.cspNonce.style)),
  );
}
