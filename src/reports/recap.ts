// Monthly recap tables as the health office files them: per posyandu (the F1 gizi form's SKDN and
// nutritional status counts) or per puskesmas (the kabupaten recap), and the publication table of
// stunting per kecamatan this year against last year. Built from the same reads as the dashboard
// figures, as lines for the CSV/XLSX writers.
import { and, eq, gte, isNull, lte } from "drizzle-orm";
import { children } from "../children/children.sql.js";
import type { DbOrTx } from "../db/client.js";
import { measurements } from "../growth/growth.sql.js";
import { puskesmas, puskesmasDesa } from "../health-units/health-units.sql.js";
import { prevalenceReport, skdnReport, type Skdn } from "./figures.js";
import { reportScope, type Viewer } from "./scope.js";
import { periodOf, SMALL_N } from "./stats.js";

/** Status codes per index, in the order of the Permenkes 2/2020 tables (worst first). */
export const STATUS_COLUMNS = {
  tbu: ["severely-stunted", "stunted", "normal", "tall"],
  bbu: ["severely-underweight", "underweight", "normal", "risk-of-overweight"],
  bbtb: ["severely-wasted", "wasted", "normal", "possible-risk-of-overweight", "overweight", "obese"],
} as const;
type Index = keyof typeof STATUS_COLUMNS;
const INDEXES = Object.keys(STATUS_COLUMNS) as Index[];

/** A staff text of the reports (locales/id/reports-staff.json; the forms are filed in Indonesian): `recap.total` … */
export type ReportText = (key: string, vars?: Record<string, unknown>) => string;

export type StatusCounts = Record<Index, Record<string, number>>;
const emptyCounts = (): StatusCounts => ({
  tbu: Object.fromEntries(STATUS_COLUMNS.tbu.map((c) => [c, 0])),
  bbu: Object.fromEntries(STATUS_COLUMNS.bbu.map((c) => [c, 0])),
  bbtb: Object.fromEntries(STATUS_COLUMNS.bbtb.map((c) => [c, 0])),
});

/** "Gizi buruk (edema)" counts as gizi buruk in the recap. */
const statusColumn = (index: Index, code: string) => (index === "bbtb" && code === "severely-wasted-oedema" ? "severely-wasted" : code);

/**
 * Each child's latest status per index in the month (one count per child and index, as in the
 * prevalence figures), by posyandu.
 */
async function statusCountsByPosyandu(db: DbOrTx, viewer: Viewer, month: string): Promise<Map<string, StatusCounts>> {
  const p = periodOf(month)!;
  const rows = await db
    .select({
      childId: measurements.childId,
      posyanduId: children.posyanduId,
      measuredOn: measurements.measuredOn,
      createdAt: measurements.createdAt,
      tbu: measurements.statusTbu,
      bbu: measurements.statusBbu,
      bbtb: measurements.statusBbtb,
    })
    .from(measurements)
    .innerJoin(children, eq(children.id, measurements.childId))
    .where(
      and(
        reportScope(viewer, { desaCode: children.desaCode, posyanduId: children.posyanduId }),
        isNull(measurements.cancelledAt),
        gte(measurements.measuredOn, p.start),
        lte(measurements.measuredOn, p.end),
      ),
    );
  rows.sort((a, b) => b.measuredOn.localeCompare(a.measuredOn) || b.createdAt.getTime() - a.createdAt.getTime());
  const seen = new Set<string>();
  const out = new Map<string, StatusCounts>();
  for (const r of rows) {
    if (!r.posyanduId) continue;
    for (const index of INDEXES) {
      const code = r[index];
      const key = `${r.childId}|${index}`;
      if (!code || seen.has(key)) continue;
      seen.add(key);
      let counts = out.get(r.posyanduId);
      if (!counts) out.set(r.posyanduId, (counts = emptyCounts()));
      const column = statusColumn(index, code);
      if (column in counts[index]) counts[index][column]!++;
    }
  }
  return out;
}

const SKDN_KEYS = ["S", "K", "D", "N", "T", "O", "B", "2T", "BGM"] as const;
/** The ratios after the counts: key in the texts, numerator, denominator. */
const RATIOS = [
  ["DS", "D", "S"],
  ["ND", "N", "D"],
  ["KS", "K", "S"],
] as const;
const pct = (k: number, n: number) => (n > 0 ? ((100 * k) / n).toFixed(1).replace(".", ",") : "");

/** The header as the forms write it (locales/id/reports-staff.json, recap). */
export const recapHeader = (by: "posyandu" | "puskesmas", t: ReportText): string[] => [
  t(by === "posyandu" ? "recap.posyandu" : "recap.puskesmas"),
  t(by === "posyandu" ? "recap.desa" : "recap.units"),
  ...SKDN_KEYS.map((k) => t(`recap.skdn.${k}`)),
  ...RATIOS.map(([k]) => t(`recap.skdn.${k}`)),
  ...INDEXES.flatMap((i) => STATUS_COLUMNS[i].map((c) => t(`recap.status.${i}.${c}`))),
];

function addSkdn(into: Record<string, number>, s: Skdn) {
  for (const k of SKDN_KEYS) into[k] = (into[k] ?? 0) + s[k];
}
function addCounts(into: StatusCounts, c: StatusCounts) {
  for (const i of INDEXES) for (const [k, v] of Object.entries(c[i])) into[i][k] = (into[i][k] ?? 0) + v;
}
const line = (name: string, second: string, s: Record<string, number>, c: StatusCounts): string[] => [
  name,
  second,
  ...SKDN_KEYS.map((k) => String(s[k] ?? 0)),
  ...RATIOS.map(([, k, n]) => pct(s[k] ?? 0, s[n] ?? 0)),
  ...INDEXES.flatMap((i) => STATUS_COLUMNS[i].map((k) => String(c[i][k] ?? 0))),
];

/** The month's recap lines per posyandu (F1) or per puskesmas (kabupaten recap), with a total line. */
export async function recapLines(
  db: DbOrTx,
  viewer: Viewer,
  month: string,
  by: "posyandu" | "puskesmas",
  areaName: (code: string) => string,
  t: ReportText,
): Promise<string[][]> {
  const [skdn, counts] = await Promise.all([skdnReport(db, viewer, month), statusCountsByPosyandu(db, viewer, month)]);
  const total: Record<string, number> = {};
  const totalCounts = emptyCounts();
  const lines: string[][] = [];
  if (by === "posyandu") {
    for (const u of skdn.posyandu) {
      const s: Record<string, number> = {};
      addSkdn(s, u.all);
      const c = counts.get(u.posyanduId) ?? emptyCounts();
      addSkdn(total, u.all);
      addCounts(totalCounts, c);
      lines.push(line(u.name, areaName(u.desaCode), s, c));
    }
  } else {
    const served = await db
      .select({ id: puskesmas.id, name: puskesmas.name, desaCode: puskesmasDesa.desaCode })
      .from(puskesmas)
      .innerJoin(puskesmasDesa, eq(puskesmasDesa.puskesmasId, puskesmas.id));
    const byDesa = new Map(served.map((r) => [r.desaCode, r]));
    const groups = new Map<string, { name: string; units: number; s: Record<string, number>; c: StatusCounts }>();
    for (const u of skdn.posyandu) {
      const pk = byDesa.get(u.desaCode);
      const key = pk?.id ?? "unknown";
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { name: pk?.name ?? t("recap.noPuskesmas"), units: 0, s: {}, c: emptyCounts() }));
      g.units++;
      addSkdn(g.s, u.all);
      addCounts(g.c, counts.get(u.posyanduId) ?? emptyCounts());
    }
    for (const g of [...groups.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      for (const k of SKDN_KEYS) total[k] = (total[k] ?? 0) + (g.s[k] ?? 0);
      addCounts(totalCounts, g.c);
      lines.push(line(g.name, String(g.units), g.s, g.c));
    }
  }
  lines.push(line(t("recap.total"), "", total, totalCounts));
  return lines;
}

const PUBLICATION_COLUMNS = ["kecamatan", "measured", "cases", "percent", "ci", "lastYear", "change", "note"] as const;
/** The publication table's header (locales/id/reports-staff.json, publication.col). */
export const publicationHeader = (t: ReportText): string[] => PUBLICATION_COLUMNS.map((c) => t(`publication.col.${c}`));

/**
 * The publication table: stunting per kecamatan this month against the same month a year earlier,
 * progress as "naik" or "turun" (as in the Pokja's proposal), the regency last. A figure from fewer
 * than 10 children is marked and given no direction.
 */
export async function publicationLines(db: DbOrTx, viewer: Viewer, month: string, t: ReportText): Promise<string[][]> {
  const report = await prevalenceReport(db, viewer, month, "kecamatan");
  const dec = (v: number | null | undefined) => (v === null || v === undefined ? "" : v.toFixed(1).replace(".", ","));
  const row = (name: string, a: (typeof report)["total"]) => {
    const st = a.indicators.stunting;
    return [
      name,
      String(st.measured),
      String(st.cases),
      dec(st.percent),
      st.ci95 ? `${dec(st.ci95.low)}–${dec(st.ci95.high)}` : "",
      dec(st.lastYear?.percent),
      st.change ? dec(st.change.points) : "",
      st.smallN ? t("publication.smallN", { n: SMALL_N }) : st.change ? t(`publication.change.${st.change.direction}`) : "",
    ];
  };
  return [...report.areas.filter((a) => a.code !== "unknown").map((a) => row(a.name, a)), row(t("publication.regency"), report.regency)];
}
