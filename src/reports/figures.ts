// The Pokja's figures from the registry: prevalence with denominators and coverage per area level,
// the trend over months, and SKDN per posyandu. The database counts (counts.ts: one grouped query
// per figure, limited to the caller's area in the query itself); the rules are those of stats.ts.
import { and, eq } from "drizzle-orm";
import { reportScope, type Viewer } from "./scope.js";
import { areas } from "../areas/areas.sql.js";
import type { DbOrTx } from "../db/client.js";
import { posyandu, puskesmas } from "../health-units/health-units.sql.js";
import { countPeriods, countSkdn, type GroupCount, type Level, type PeriodCount, type SkdnCount } from "./counts.js";
import {
  AGE_GROUPS,
  INDICATORS,
  changeOf,
  figure,
  monthAYearEarlier,
  percent,
  periodOf,
  rankByRate,
  type AgeGroup,
  type Indicator,
  type IndicatorFigure,
  type Period,
} from "./stats.js";

export { LEVELS, type Level } from "./counts.js";

/** Names of areas, puskesmas and posyandu. */
interface Names {
  area: Map<string, string>;
  puskesmas: Map<string, string>;
  posyandu: Map<string, { name: string; desaCode: string }>;
}

async function namesOf(db: DbOrTx): Promise<Names> {
  const [a, pk, py] = await Promise.all([
    db.select({ code: areas.code, name: areas.name }).from(areas),
    db.select({ id: puskesmas.id, name: puskesmas.name }).from(puskesmas),
    db.select({ id: posyandu.id, name: posyandu.name, desaCode: posyandu.desaCode }).from(posyandu),
  ]);
  return {
    area: new Map(a.map((r) => [r.code, r.name])),
    puskesmas: new Map(pk.map((r) => [r.id, r.name])),
    posyandu: new Map(py.map((r) => [r.id, { name: r.name, desaCode: r.desaCode }])),
  };
}

function nameOf(level: Level, key: string, names: Names): string {
  switch (level) {
    case "kecamatan":
    case "desa":
      return names.area.get(key) ?? key;
    case "puskesmas":
      return names.puskesmas.get(key) ?? key;
    case "posyandu":
      return names.posyandu.get(key)?.name ?? key;
  }
}

export interface AreaFigures {
  registered: number;
  measured: number;
  /** Children measured / children registered (D/S), percent. */
  coverage: number | null;
  indicators: Record<Indicator, IndicatorFigure & { lastYear?: IndicatorFigure; change?: ReturnType<typeof changeOf> }>;
}

function figures(g: GroupCount): AreaFigures {
  const indicators = {} as AreaFigures["indicators"];
  for (const ind of INDICATORS) indicators[ind] = figure(g.indicators[ind]);
  return { registered: g.registered, measured: g.measured, coverage: percent(g.measured, g.registered), indicators };
}

function withLastYear(now: AreaFigures, before: AreaFigures | undefined): AreaFigures {
  if (!before) return now;
  for (const ind of INDICATORS) {
    const a = now.indicators[ind];
    const b = before.indicators[ind];
    a.lastYear = b;
    a.change = a.smallN || b.smallN ? null : changeOf(a.percent, b.percent);
  }
  return now;
}

export interface PrevalenceReport {
  month: string;
  level: Level;
  /** Each area in the caller's reach, ranked by stunting prevalence (small numbers unranked). */
  areas: (AreaFigures & { code: string; name: string; stuntingRank: number | null })[];
  /** All children in the caller's reach. */
  total: AreaFigures;
  /** The whole regency (aggregates only), for the regency average line. */
  regency: AreaFigures;
}

export const ALL: Viewer = { role: "pokja_admin", puskesmasId: null, desaCode: null, posyanduId: null };
/** The Pokja without a desa lokus choice reaches the whole regency: its total is the regency line. */
const isWhole = (v: Viewer) => v.role === "pokja_admin" && !v.lokus;

/** Prevalence per area for a month, with the same month a year earlier beside each figure. */
export async function prevalenceReport(
  db: DbOrTx,
  principal: Viewer,
  month: string,
  level: Level,
  within?: string,
): Promise<PrevalenceReport> {
  const p = periodOf(month);
  if (!p) throw new RangeError("month");
  const before = periodOf(monthAYearEarlier(month))!;
  const whole = isWhole(principal);
  const [names, mine, regency] = await Promise.all([
    namesOf(db),
    countPeriods(db, principal, [p, before], level),
    whole ? null : countPeriods(db, ALL, [p, before], null),
  ]);
  const now = mine.get(p.month)!;
  const then = mine.get(before.month)!;
  const regNow = regency?.get(p.month) ?? now;
  const regThen = regency?.get(before.month) ?? then;
  const inside = (key: string) => {
    if (!within || key === "unknown") return !within;
    if (level === "posyandu") return (names.posyandu.get(key)?.desaCode ?? "").startsWith(within);
    if (level === "puskesmas") return key === within;
    return key.startsWith(within);
  };
  const keys = [...now.groups.keys()].filter(inside).sort((a, b) => nameOf(level, a, names).localeCompare(nameOf(level, b, names)));
  const list = keys.map((key) => ({
    code: key,
    name: key === "unknown" ? "unknown" : nameOf(level, key, names),
    ...withLastYear(figures(now.groups.get(key)!), then.groups.has(key) ? figures(then.groups.get(key)!) : undefined),
  }));
  const ranks = rankByRate(list, (a) => a.indicators.stunting);
  return {
    month,
    level,
    areas: list.map((a, i) => ({ ...a, stuntingRank: ranks[i] ?? null })),
    total: withLastYear(figures(now.total), figures(then.total)),
    regency: withLastYear(figures(regNow.total), figures(regThen.total)),
  };
}

export interface TrendPoint {
  month: string;
  total: AreaFigures;
  regency: AreaFigures;
}

/** Months per query of a trend: the queries run side by side on PostgreSQL's pool (several cores). */
const TREND_MONTHS_PER_QUERY = 3;

/** Counts of a run of months, a few months per query, all queries at once. */
async function countMonths(db: DbOrTx, viewer: Viewer, periods: Period[]): Promise<Map<string, PeriodCount>> {
  const parts: Period[][] = [];
  for (let i = 0; i < periods.length; i += TREND_MONTHS_PER_QUERY) parts.push(periods.slice(i, i + TREND_MONTHS_PER_QUERY));
  const counted = await Promise.all(parts.map((part) => countPeriods(db, viewer, part, null)));
  return new Map(counted.flatMap((m) => [...m]));
}

/** Month by month: the caller's area and the regency average. */
export async function trendReport(db: DbOrTx, principal: Viewer, months: string[]): Promise<TrendPoint[]> {
  if (months.length === 0) return [];
  const periods = months.map((m) => periodOf(m)!);
  const [mine, all] = await Promise.all([countMonths(db, principal, periods), isWhole(principal) ? null : countMonths(db, ALL, periods)]);
  return months.map((month) => {
    const total = figures(mine.get(month)!.total);
    return { month, total, regency: all ? figures(all.get(month)!.total) : total };
  });
}

/** SKDN of one group of children (F1 gizi form): S, K, D, N, T, O, B, 2T, BGM and the ratios. */
export interface Skdn extends SkdnCount {
  K: number;
  /** Percent, one decimal; null without a denominator. */
  "D/S": number | null;
  "N/D": number | null;
  "K/S": number | null;
}

const SKDN_COUNTS = ["S", "D", "N", "T", "O", "B", "2T", "BGM"] as const;

/**
 * One group in SKDN: S counts every balita of the posyandu; K those with a growth record (every
 * child registered here has one, the service's record standing in for the KMS/Buku KIA chart); D
 * those weighed in the month; N/T/O/B, 2T and BGM from the month's latest weighing (Buku KIA KBM).
 */
function skdnOf(counts: readonly (SkdnCount | undefined)[]): Skdn {
  const s: Skdn = { S: 0, K: 0, D: 0, N: 0, T: 0, O: 0, B: 0, "2T": 0, BGM: 0, "D/S": null, "N/D": null, "K/S": null };
  for (const c of counts) if (c) for (const k of SKDN_COUNTS) s[k] += c[k];
  s.K = s.S;
  return { ...s, "D/S": percent(s.D, s.S), "N/D": percent(s.N, s.D), "K/S": percent(s.K, s.S) };
}

export interface PosyanduSkdn {
  posyanduId: string;
  name: string;
  desaCode: string;
  groups: Record<AgeGroup, Skdn>;
  all: Skdn;
}

/** SKDN per posyandu for a month, split by the F1 age groups (age at the end of the month). */
export async function skdnReport(
  db: DbOrTx,
  principal: Viewer,
  month: string,
  onlyPosyandu?: string,
): Promise<{ month: string; posyandu: PosyanduSkdn[] }> {
  const p = periodOf(month);
  if (!p) throw new RangeError("month");
  // Every posyandu in reach is listed, even one with no child yet (an empty row tells the Pokja something).
  const [reachable, counts] = await Promise.all([
    db
      .select({ id: posyandu.id, name: posyandu.name, desaCode: posyandu.desaCode })
      .from(posyandu)
      .where(
        and(
          reportScope(principal, { desaCode: posyandu.desaCode, posyanduId: posyandu.id }),
          onlyPosyandu ? eq(posyandu.id, onlyPosyandu) : undefined,
        ),
      ),
    countSkdn(db, principal, p, onlyPosyandu),
  ]);
  const list = reachable
    .map((u) => {
      const mine = counts.get(u.id);
      const groups = Object.fromEntries(AGE_GROUPS.map((g) => [g, skdnOf([mine?.get(g)])])) as Record<AgeGroup, Skdn>;
      return { posyanduId: u.id, name: u.name, desaCode: u.desaCode, groups, all: skdnOf(AGE_GROUPS.map((g) => mine?.get(g))) };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.posyanduId.localeCompare(b.posyanduId));
  return { month, posyandu: list };
}
