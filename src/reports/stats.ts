// Pure rules behind the Pokja's figures: periods, age groups, which child counts for which
// indicator, rates with their 95% interval, and the small-number rule. No database here.
import { DateTime } from "luxon";

/** A rate from fewer children than this is shown greyed and marked, never ranked (issue 18). */
/**
 * A desa's kecamatan: the first three parts of its Kemendagri code (63.11.06.2001 → 63.11.06);
 * "unknown" for a record without a desa (counted apart, never dropped).
 */
export const kecamatanOf = (desaCode: string | null): string => (desaCode ? desaCode.split(".").slice(0, 3).join(".") : "unknown");

export const SMALL_N = 10;

/** Children under five: age below 60 completed months at the end of the period (Permenkes 2/2020 covers 0–60 months). */
export const BALITA_MONTHS = 60;

/** A reporting month, "YYYY-MM", as its first and last calendar day (WITA dates, as measurements are stored). */
export interface Period {
  month: string;
  start: string;
  end: string;
}

export function periodOf(month: string): Period | null {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return null;
  const start = DateTime.fromISO(`${month}-01`, { zone: "utc" });
  if (!start.isValid) return null;
  return { month, start: start.toISODate(), end: start.endOf("month").toISODate() };
}

/** The same month a year earlier (for "naik / turun" against last year's round). */
export function monthAYearEarlier(month: string): string {
  return DateTime.fromISO(`${month}-01`, { zone: "utc" }).minus({ years: 1 }).toFormat("yyyy-MM");
}

/** Months from `from` to `to` inclusive ("YYYY-MM"), at most `max`. */
export function monthsBetween(from: string, to: string, max = 60): string[] {
  const out: string[] = [];
  let m = DateTime.fromISO(`${from}-01`, { zone: "utc" });
  const last = DateTime.fromISO(`${to}-01`, { zone: "utc" });
  while (m <= last && out.length < max) {
    out.push(m.toFormat("yyyy-MM"));
    m = m.plus({ months: 1 });
  }
  return out;
}

/**
 * Completed months of age on a date (a child born 15 March is 1 month old from 15 April; one born on
 * the 31st reaches a month on the last day of a shorter month). Integer arithmetic: this runs once
 * per child in every figure.
 */
export function monthsOld(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split("-").map(Number) as [number, number, number];
  const [y, m, d] = on.split("-").map(Number) as [number, number, number];
  let months = (y - by) * 12 + (m - bm);
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d < Math.min(bd, lastDay)) months--;
  return months;
}

/** The F1 gizi form's age groups (months): 0–12, 13–36, 37–59. */
export type AgeGroup = "0-12" | "13-36" | "37-59";
export const AGE_GROUPS: readonly AgeGroup[] = ["0-12", "13-36", "37-59"];
/** Each group's oldest age in completed months (the last group takes the rest); counts.ts builds its SQL from this. */
export const AGE_GROUP_LAST_MONTH: readonly (readonly [AgeGroup, number])[] = [
  ["0-12", 12],
  ["13-36", 36],
];

export function ageGroupOf(months: number): AgeGroup {
  for (const [group, last] of AGE_GROUP_LAST_MONTH) if (months <= last) return group;
  return "37-59";
}

/**
 * Who counts as registered (S) in a period: born by its end and under five at its end, registered
 * by its end (WITA), and the record not closed (death) before it began.
 */
export interface RegistrationWindow {
  bornBy: string;
  /** Exclusive: a child born on this day or before is five or older at the end of the period. */
  bornAfter: string;
  registeredBy: Date;
  notStoppedBefore: Date;
}

/** The offset of WITA from UTC: a registration on the last evening of a month belongs to that month. */
const WITA = "+08:00";

export function registrationWindow(p: Period): RegistrationWindow {
  const d = new Date(`${p.end}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - BALITA_MONTHS);
  return {
    bornBy: p.end,
    bornAfter: d.toISOString().slice(0, 10),
    registeredBy: new Date(`${p.end}T23:59:59.999${WITA}`),
    notStoppedBefore: new Date(`${p.start}T00:00:00${WITA}`),
  };
}

/**
 * 95% Wilson score interval for k of n, in percent (one decimal). Wilson rather than the normal
 * approximation because area counts are small and rates near 0 would give negative bounds.
 */
export function wilson95(k: number, n: number): { low: number; high: number } | null {
  if (n <= 0) return null;
  const z = 1.959963984540054;
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  const round = (x: number) => Math.round(x * 1000) / 10;
  return { low: round(Math.max(0, centre - half)), high: round(Math.min(1, centre + half)) };
}

export const percent = (k: number, n: number): number | null => (n > 0 ? Math.round((k / n) * 1000) / 10 : null);

/** What one measurement row holds for the figures (a subset of `measurements`). */
export interface MeasuredRow {
  childId: string;
  measuredOn: string;
  createdAt: Date;
  weightKg: number | null;
  zlen: number | null;
  zwei: number | null;
  zwfl: number | null;
  oedema: boolean;
  flags: Record<string, 0 | 1 | null>;
  growthCode: "N" | "T" | "O" | "B" | null;
  twoT: boolean;
  bgm: boolean;
}

export type Indicator = "stunting" | "wasting" | "underweight" | "overweight";
export const INDICATORS: readonly Indicator[] = ["stunting", "wasting", "underweight", "overweight"];

/** One child's standing for one indicator in a period. */
export type Standing = { kind: "none" } | { kind: "flagged" } | { kind: "valid"; case: boolean; severe: boolean };

export const zOf: Record<Indicator, "zlen" | "zwfl" | "zwei"> = {
  stunting: "zlen",
  wasting: "zwfl",
  underweight: "zwei",
  overweight: "zwfl",
};

/**
 * Permenkes 2/2020 cut-offs (z-score, strict): a case lies below `case` (or above, for overweight),
 * a severe case below (above) `severe`. The one definition: `standing` applies it here and
 * counts.ts passes the same numbers to the database.
 */
export const CUTOFFS: Record<Indicator, { side: "below" | "above"; case: number; severe: number }> = {
  stunting: { side: "below", case: -2, severe: -3 },
  wasting: { side: "below", case: -2, severe: -3 },
  underweight: { side: "below", case: -2, severe: -3 },
  overweight: { side: "above", case: 2, severe: 3 },
};

/**
 * What bilateral pitting oedema means for an indicator read from BB/TB: gizi buruk whatever the
 * weight (WHO 2013 SAM guideline), so a severe case of wasting and never a case of overweight.
 */
export const OEDEMA: Partial<Record<Indicator, { case: boolean; severe: boolean }>> = {
  wasting: { case: true, severe: true },
  overweight: { case: false, severe: false },
};

const beyond = (z: number, side: "below" | "above", cut: number) => (side === "below" ? z < cut : z > cut);

/**
 * The child's standing for an indicator: the latest measurement of the period that gives the index
 * counts (WHO/UNICEF survey practice: one observation per child); a WHO implausibility flag on it
 * excludes the child (counted as flagged). Cut-offs are Permenkes 2/2020: TB/U < −2 stunted (< −3
 * sangat pendek), BB/TB < −2 wasted (< −3 gizi buruk), BB/U < −2 underweight, BB/TB > +2 gizi lebih
 * or obese. Bilateral pitting oedema is gizi buruk whatever the weight (WHO 2013 SAM guideline), so
 * it counts as severe wasting even where no weight-for-length z is given.
 */
export function standing(rows: readonly MeasuredRow[], indicator: Indicator): Standing {
  const key = zOf[indicator];
  const latestFirst = [...rows].sort((a, b) => b.measuredOn.localeCompare(a.measuredOn) || b.createdAt.getTime() - a.createdAt.getTime());
  for (const r of latestFirst) {
    const oedema = OEDEMA[indicator];
    if (oedema && r.oedema) return { kind: "valid", ...oedema };
    const z = r[key];
    if (z === null || !Number.isFinite(z)) continue;
    if (r.flags[key] === 1) return { kind: "flagged" };
    const cut = CUTOFFS[indicator];
    return { kind: "valid", case: beyond(z, cut.side, cut.case), severe: beyond(z, cut.side, cut.severe) };
  }
  return { kind: "none" };
}

/** Counts for one indicator in one area. */
export interface IndicatorCount {
  cases: number;
  severe: number;
  /** Children with a valid value for the index (the denominator). */
  measured: number;
  flagged: number;
}

export interface IndicatorFigure extends IndicatorCount {
  /** Percent of `measured`, one decimal; null without a denominator. */
  percent: number | null;
  ci95: { low: number; high: number } | null;
  /** Fewer than SMALL_N children: shown greyed, not ranked. */
  smallN: boolean;
}

export function figure(c: IndicatorCount): IndicatorFigure {
  return { ...c, percent: percent(c.cases, c.measured), ci95: wilson95(c.cases, c.measured), smallN: c.measured < SMALL_N };
}

export const emptyCount = (): IndicatorCount => ({ cases: 0, severe: 0, measured: 0, flagged: 0 });

export function addStanding(c: IndicatorCount, s: Standing): void {
  if (s.kind === "flagged") c.flagged++;
  if (s.kind !== "valid") return;
  c.measured++;
  if (s.case) c.cases++;
  if (s.case && s.severe) c.severe++;
}

/** "naik" / "turun" / "tetap" against an earlier rate (percentage points, one decimal). */
export function changeOf(now: number | null, before: number | null): { points: number; direction: "naik" | "turun" | "tetap" } | null {
  if (now === null || before === null) return null;
  const points = Math.round((now - before) * 10) / 10;
  return { points, direction: points > 0 ? "naik" : points < 0 ? "turun" : "tetap" };
}

/**
 * Ranks areas by a rate, highest first (1 = highest), leaving out small-number areas (null rank).
 * Ties share a rank.
 */
export function rankByRate<T>(items: T[], rateOf: (t: T) => { percent: number | null; smallN: boolean }): (number | null)[] {
  const rates = items.map((t) => rateOf(t));
  return rates.map((r) => {
    if (r.smallN || r.percent === null) return null;
    return 1 + rates.filter((o) => !o.smallN && o.percent !== null && o.percent > (r.percent as number)).length;
  });
}
