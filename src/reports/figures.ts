// The Pokja's figures from the registry: prevalence with denominators and coverage per area level,
// the trend over months, and SKDN per posyandu. Two plain reads per period (children, measurements),
// limited to the caller's area in the query itself; counting is done by the pure rules in stats.ts.
import { and, eq, gt, gte, isNull, lte, or } from "drizzle-orm";
import { reportScope, type Viewer } from "./scope.js";
import { areas } from "../areas/areas.sql.js";
import { children } from "../children/children.sql.js";
import type { DbOrTx } from "../db/client.js";
import { measurements } from "../growth/growth.sql.js";
import { posyandu, puskesmas, puskesmasDesa } from "../health-units/health-units.sql.js";
import {
  AGE_GROUPS,
  BALITA_MONTHS,
  INDICATORS,
  addStanding,
  ageGroupOf,
  changeOf,
  emptyCount,
  figure,
  monthAYearEarlier,
  monthsOld,
  percent,
  periodOf,
  rankByRate,
  standing,
  type AgeGroup,
  type Indicator,
  type IndicatorCount,
  type IndicatorFigure,
  type MeasuredRow,
  type Period,
  kecamatanOf,
} from "./stats.js";

export type Level = "kecamatan" | "puskesmas" | "desa" | "posyandu";
export const LEVELS: readonly Level[] = ["kecamatan", "puskesmas", "desa", "posyandu"];


interface ChildRow {
  id: string;
  birthDate: string;
  desaCode: string | null;
  posyanduId: string | null;
  createdAt: Date;
  stoppedAt: Date | null;
}

/** The offset of WITA from UTC: a registration on the last evening of a month belongs to that month. */
const WITA = "+08:00";
const endOfPeriod = (p: Period) => new Date(`${p.end}T23:59:59.999${WITA}`);
const startOfPeriod = (p: Period) => new Date(`${p.start}T00:00:00${WITA}`);

/** The birth date before which a child is five or older at the end of the period (exclusive bound). */
function oldestBirthDate(p: Period): string {
  const d = new Date(`${p.end}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - BALITA_MONTHS);
  return d.toISOString().slice(0, 10);
}

/**
 * Whether a child is one a posyandu should have seen in the period (S): registered by its end, born
 * by its end and under five at its end, and its record not closed (death) before it began.
 */
function registeredIn(c: ChildRow, p: Period): boolean {
  return c.birthDate <= p.end && c.birthDate > oldestBirthDate(p) && c.createdAt <= endOfPeriod(p) && !(c.stoppedAt && c.stoppedAt < startOfPeriod(p));
}

const scopeOfChildren = (principal: Viewer | null) =>
  principal ? reportScope(principal, { desaCode: children.desaCode, posyanduId: children.posyanduId }) : undefined;

/** Children who may count in any period from `first` to `last` (each period then picks its own). */
async function childrenOf(db: DbOrTx, principal: Viewer | null, first: Period, last: Period = first): Promise<ChildRow[]> {
  return db
    .select({
      id: children.id,
      birthDate: children.birthDate,
      desaCode: children.desaCode,
      posyanduId: children.posyanduId,
      createdAt: children.createdAt,
      stoppedAt: children.remindersStoppedAt,
    })
    .from(children)
    .where(
      and(
        scopeOfChildren(principal),
        lte(children.birthDate, last.end),
        gt(children.birthDate, oldestBirthDate(first)),
        lte(children.createdAt, endOfPeriod(last)),
        or(isNull(children.remindersStoppedAt), gte(children.remindersStoppedAt, startOfPeriod(first))),
      ),
    );
}

/** Valid (not cancelled or replaced) measurements from `first` to `last` for the children in reach. */
async function measurementsOf(db: DbOrTx, principal: Viewer | null, first: Period, last: Period = first): Promise<MeasuredRow[]> {
  return db
    .select({
      childId: measurements.childId,
      measuredOn: measurements.measuredOn,
      createdAt: measurements.createdAt,
      weightKg: measurements.weightKg,
      zlen: measurements.zlen,
      zwei: measurements.zwei,
      zwfl: measurements.zwfl,
      oedema: measurements.oedema,
      flags: measurements.flags,
      growthCode: measurements.growthCode,
      twoT: measurements.twoT,
      bgm: measurements.bgm,
    })
    .from(measurements)
    .innerJoin(children, eq(children.id, measurements.childId))
    .where(and(scopeOfChildren(principal), isNull(measurements.cancelledAt), gte(measurements.measuredOn, first.start), lte(measurements.measuredOn, last.end)));
}

/** Rows by child, for one month ("YYYY-MM") of a range. */
function byChildIn(rows: readonly MeasuredRow[], month: string): Map<string, MeasuredRow[]> {
  const out = new Map<string, MeasuredRow[]>();
  for (const r of rows) {
    if (!r.measuredOn.startsWith(month)) continue;
    const list = out.get(r.childId);
    if (list) list.push(r);
    else out.set(r.childId, [r]);
  }
  return out;
}

/** Names of areas, puskesmas and posyandu, and which puskesmas serves each desa. */
interface Names {
  area: Map<string, string>;
  puskesmas: Map<string, string>;
  puskesmasOfDesa: Map<string, string>;
  posyandu: Map<string, { name: string; desaCode: string }>;
}

async function namesOf(db: DbOrTx): Promise<Names> {
  const [a, pk, pd, py] = await Promise.all([
    db.select({ code: areas.code, name: areas.name }).from(areas),
    db.select({ id: puskesmas.id, name: puskesmas.name }).from(puskesmas),
    db.select({ puskesmasId: puskesmasDesa.puskesmasId, desaCode: puskesmasDesa.desaCode }).from(puskesmasDesa),
    db.select({ id: posyandu.id, name: posyandu.name, desaCode: posyandu.desaCode }).from(posyandu),
  ]);
  return {
    area: new Map(a.map((r) => [r.code, r.name])),
    puskesmas: new Map(pk.map((r) => [r.id, r.name])),
    puskesmasOfDesa: new Map(pd.map((r) => [r.desaCode, r.puskesmasId])),
    posyandu: new Map(py.map((r) => [r.id, { name: r.name, desaCode: r.desaCode }])),
  };
}

/** The area a child belongs to at a level; null when its record lacks it (counted under "unknown"). */
function keyOf(level: Level, c: ChildRow, names: Names): string | null {
  switch (level) {
    case "kecamatan":
      return c.desaCode ? kecamatanOf(c.desaCode) : null;
    case "desa":
      return c.desaCode;
    case "puskesmas":
      return c.desaCode ? (names.puskesmasOfDesa.get(c.desaCode) ?? null) : null;
    case "posyandu":
      return c.posyanduId;
  }
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

/** Counts of one group of children: registered (S), measured (any valid measurement), each indicator. */
interface GroupCount {
  registered: number;
  measured: number;
  indicators: Record<Indicator, IndicatorCount>;
}

const emptyGroup = (): GroupCount => ({
  registered: 0,
  measured: 0,
  indicators: { stunting: emptyCount(), wasting: emptyCount(), underweight: emptyCount(), overweight: emptyCount() },
});

function countChild(g: GroupCount, rows: readonly MeasuredRow[]): void {
  g.registered++;
  if (rows.length === 0) return;
  g.measured++;
  for (const ind of INDICATORS) addStanding(g.indicators[ind], standing(rows, ind));
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

/** One period's counts grouped by area at a level, and the total, from rows already read. */
function countFrom(kids: readonly ChildRow[], rows: readonly MeasuredRow[], p: Period, level: Level | null, names: Names) {
  const byChild = byChildIn(rows, p.month);
  const total = emptyGroup();
  const groups = new Map<string, GroupCount>();
  for (const c of kids) {
    if (!registeredIn(c, p)) continue;
    const mine = byChild.get(c.id) ?? [];
    countChild(total, mine);
    if (!level) continue;
    const key = keyOf(level, c, names) ?? "unknown";
    let g = groups.get(key);
    if (!g) groups.set(key, (g = emptyGroup()));
    countChild(g, mine);
  }
  return { total, groups };
}

async function countPeriod(db: DbOrTx, principal: Viewer, p: Period, level: Level | null, names: Names) {
  const [kids, rows] = await Promise.all([childrenOf(db, principal, p), measurementsOf(db, principal, p)]);
  return countFrom(kids, rows, p, level, names);
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

const ALL: Viewer = { role: "pokja_admin", puskesmasId: null, desaCode: null, posyanduId: null };

/** Prevalence per area for a month, with the same month a year earlier beside each figure. */
export async function prevalenceReport(db: DbOrTx, principal: Viewer, month: string, level: Level, within?: string): Promise<PrevalenceReport> {
  const p = periodOf(month);
  if (!p) throw new RangeError("month");
  const before = periodOf(monthAYearEarlier(month))!;
  const names = await namesOf(db);
  // The Pokja reaches the whole regency: its total is the regency line, so it is not counted twice.
  const whole = principal.role === "pokja_admin" && !principal.lokus;
  const [now, then, regNow, regThen] = await Promise.all([
    countPeriod(db, principal, p, level, names),
    countPeriod(db, principal, before, level, names),
    whole ? null : countPeriod(db, ALL, p, null, names),
    whole ? null : countPeriod(db, ALL, before, null, names),
  ]);
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
    regency: withLastYear(figures((regNow ?? now).total), figures((regThen ?? then).total)),
  };
}

export interface TrendPoint {
  month: string;
  total: AreaFigures;
  regency: AreaFigures;
}

/** Month by month: the caller's area and the regency average (the whole range read once per scope). */
export async function trendReport(db: DbOrTx, principal: Viewer, months: string[]): Promise<TrendPoint[]> {
  if (months.length === 0) return [];
  const names = await namesOf(db);
  const first = periodOf(months[0]!)!;
  const last = periodOf(months.at(-1)!)!;
  const whole = principal.role === "pokja_admin" && !principal.lokus;
  const [kids, rows, allKids, allRows] = await Promise.all([
    childrenOf(db, principal, first, last),
    measurementsOf(db, principal, first, last),
    whole ? null : childrenOf(db, ALL, first, last),
    whole ? null : measurementsOf(db, ALL, first, last),
  ]);
  return months.map((month) => {
    const p = periodOf(month)!;
    const mine = countFrom(kids, rows, p, null, names);
    const all = allKids && allRows ? countFrom(allKids, allRows, p, null, names) : mine;
    return { month, total: figures(mine.total), regency: figures(all.total) };
  });
}

/** SKDN of one group of children (F1 gizi form): S, K, D, N, T, O, B, 2T, BGM and the ratios. */
export interface Skdn {
  S: number;
  K: number;
  D: number;
  N: number;
  T: number;
  O: number;
  B: number;
  "2T": number;
  BGM: number;
  /** Percent, one decimal; null without a denominator. */
  "D/S": number | null;
  "N/D": number | null;
  "K/S": number | null;
}

const emptySkdn = (): Skdn => ({ S: 0, K: 0, D: 0, N: 0, T: 0, O: 0, B: 0, "2T": 0, BGM: 0, "D/S": null, "N/D": null, "K/S": null });

function finishSkdn(s: Skdn): Skdn {
  return { ...s, "D/S": percent(s.D, s.S), "N/D": percent(s.N, s.D), "K/S": percent(s.K, s.S) };
}

/**
 * One child in SKDN: S counts every balita of the posyandu; K those with a growth record (every child
 * registered here has one, the service's record standing in for the KMS/Buku KIA chart); D those
 * weighed in the month; N/T/O/B, 2T and BGM from the month's latest weighing (Buku KIA KBM method).
 */
function countSkdn(s: Skdn, rows: readonly MeasuredRow[]): void {
  s.S++;
  s.K++;
  const weighings = rows.filter((r) => r.weightKg !== null).sort((a, b) => b.measuredOn.localeCompare(a.measuredOn) || b.createdAt.getTime() - a.createdAt.getTime());
  const last = weighings[0];
  if (!last) return;
  s.D++;
  if (last.growthCode) s[last.growthCode]++;
  if (last.twoT) s["2T"]++;
  if (last.bgm) s.BGM++;
}

export interface PosyanduSkdn {
  posyanduId: string;
  name: string;
  desaCode: string;
  groups: Record<AgeGroup, Skdn>;
  all: Skdn;
}

/** SKDN per posyandu for a month, split by the F1 age groups (age at the end of the month). */
export async function skdnReport(db: DbOrTx, principal: Viewer, month: string, onlyPosyandu?: string): Promise<{ month: string; posyandu: PosyanduSkdn[] }> {
  const p = periodOf(month);
  if (!p) throw new RangeError("month");
  const names = await namesOf(db);
  const [kids, rows] = await Promise.all([childrenOf(db, principal, p), measurementsOf(db, principal, p)]);
  const byChild = new Map<string, MeasuredRow[]>();
  for (const r of rows) byChild.set(r.childId, [...(byChild.get(r.childId) ?? []), r]);
  const units = new Map<string, PosyanduSkdn>();
  // Every posyandu in reach is listed, even one with no child yet (an empty row tells the Pokja something).
  const reachable = await db
    .select({ id: posyandu.id })
    .from(posyandu)
    .where(and(reportScope(principal, { desaCode: posyandu.desaCode, posyanduId: posyandu.id }), onlyPosyandu ? eq(posyandu.id, onlyPosyandu) : undefined));
  for (const { id } of reachable) {
    const info = names.posyandu.get(id)!;
    units.set(id, { posyanduId: id, name: info.name, desaCode: info.desaCode, groups: { "0-12": emptySkdn(), "13-36": emptySkdn(), "37-59": emptySkdn() }, all: emptySkdn() });
  }
  for (const c of kids) {
    if (!c.posyanduId || !registeredIn(c, p)) continue;
    const unit = units.get(c.posyanduId);
    if (!unit) continue;
    const mine = byChild.get(c.id) ?? [];
    countSkdn(unit.groups[ageGroupOf(monthsOld(c.birthDate, p.end))], mine);
    countSkdn(unit.all, mine);
  }
  const list = [...units.values()]
    .map((u) => ({ ...u, groups: Object.fromEntries(AGE_GROUPS.map((g) => [g, finishSkdn(u.groups[g])])) as Record<AgeGroup, Skdn>, all: finishSkdn(u.all) }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.posyanduId.localeCompare(b.posyanduId));
  return { month, posyandu: list };
}

