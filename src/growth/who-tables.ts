// WHO Child Growth Standards (2006/2007) LMS tables, read once from the npm package `jsgrowup`
// (BSD-3-Clause; its JSON copies WHO's published "expanded" z-score tables).
//
// WHO Anthro / igrowup look LMS values up in *daily* tables (0–1856 days) and in 0.1 cm tables for
// weight-for-length/height. jsgrowup ships only the published knots: weekly 0–13 weeks, monthly
// 0–60 months, and 0.5 cm rows. The daily/0.1 cm values come from WHO's smooth fitted curves, so we
// rebuild them with a cubic spline through the knots. Measured on igrowup's survey output: linear
// interpolation in age put only 480 of 489 weight-for-age z-scores within 0.01 (worst 0.03 off);
// the spline puts all of them within 0.01. Results are cached in Float64Arrays.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** Laki-laki (boy) or Perempuan (girl), as on the KMS / Buku KIA. */
export type Sex = "L" | "P";

/** Age-based indicators. `lhfa` and `bmifa` switch from the length to the height table at 731 days. */
export type AgeIndicator = "lhfa" | "wfa" | "bmifa" | "hcfa";
/** Length-based indicators: weight-for-length (45–110 cm) and weight-for-height (65–120 cm). */
export type LengthIndicator = "wfl" | "wfh";

export interface Lms {
  l: number;
  m: number;
  s: number;
}

/** WHO switches from recumbent length to standing height tables at 731 days (WHO Anthro manual). */
export const HEIGHT_FROM_DAY = 731;
/** Last day of the WHO daily tables used by igrowup / WHO Anthro (60 completed months ≈ 1856 d). */
export const MAX_AGE_DAYS = 1856;
/** WHO Anthro's days per month (365.25 / 12). */
export const DAYS_PER_MONTH = 30.4375;
/** The WHO weight-for-length/height tables are published at this resolution (cm) in WHO Anthro. */
const LENGTH_STEP = 0.1;

/** Valid length/height ranges of the two tables (WHO Child Growth Standards, 2006). */
export const LENGTH_RANGE: Record<LengthIndicator, readonly [number, number]> = {
  wfl: [45, 110],
  wfh: [65, 120],
};

const require = createRequire(import.meta.url);
const TABLE_DIR = join(dirname(require.resolve("jsgrowup/package.json")), "tables");

type Row = Record<string, string>;

function readTable(name: string): Row[] {
  return JSON.parse(readFileSync(join(TABLE_DIR, `${name}_zscores.json`), "utf8")) as Row[];
}

const sexName = (sex: Sex): string => (sex === "L" ? "boys" : "girls");

interface Knots {
  x: number[];
  l: number[];
  m: number[];
  s: number[];
}

function knotsFrom(rows: Row[], key: string, toX: (v: number) => number, keep: (v: number) => boolean): Knots {
  const k: Knots = { x: [], l: [], m: [], s: [] };
  for (const row of rows) {
    const v = Number(row[key]);
    if (!keep(v)) continue;
    k.x.push(toX(v));
    k.l.push(Number(row.L));
    k.m.push(Number(row.M));
    k.s.push(Number(row.S));
  }
  return k;
}

function appendKnots(a: Knots, b: Knots): Knots {
  return { x: [...a.x, ...b.x], l: [...a.l, ...b.l], m: [...a.m, ...b.m], s: [...a.s, ...b.s] };
}

/**
 * Knots in days for an age table: the weekly table up to 13 weeks (91 d) and the monthly table
 * from month 4 (month 3 = 91.3 d would sit on top of week 13).
 */
function ageKnots(indicator: string, sex: Sex, monthlyAgeGroup: string, fromMonth: number, toMonth: number, withWeeks: boolean): Knots {
  const monthly = knotsFrom(readTable(`${indicator}_${sexName(sex)}_${monthlyAgeGroup}`), "Month", (mo) => mo * DAYS_PER_MONTH, (mo) => mo >= fromMonth && mo <= toMonth);
  if (!withWeeks) return monthly;
  const weekly = knotsFrom(readTable(`${indicator}_${sexName(sex)}_0_13`), "Week", (w) => w * 7, () => true);
  return appendKnots(weekly, monthly);
}

/**
 * A clamped cubic spline through (xs, ys); end slopes from the quadratic through the three end knots.
 * Outside the knots the end segment's cubic is continued (used only for 1826–1856 days).
 */
export function cubicSpline(xs: readonly number[], ys: readonly number[]): (x: number) => number {
  const n = xs.length - 1;
  if (n < 2) throw new Error("cubicSpline needs at least 3 knots");
  const x = (i: number): number => xs[i] as number;
  const y = (i: number): number => ys[i] as number;
  const slopeAtEnd = (a: number, b: number, c: number): number => {
    // derivative at x(a) of the Lagrange quadratic through a, b, c
    const [xa, xb, xc] = [x(a), x(b), x(c)];
    return (
      (y(a) * (2 * xa - xb - xc)) / ((xa - xb) * (xa - xc)) +
      (y(b) * (xa - xc)) / ((xb - xa) * (xb - xc)) +
      (y(c) * (xa - xb)) / ((xc - xa) * (xc - xb))
    );
  };
  const d0 = slopeAtEnd(0, 1, 2);
  const dn = slopeAtEnd(n, n - 1, n - 2);
  const h = Array.from({ length: n }, (_, i) => x(i + 1) - x(i));
  const hi = (i: number): number => h[i] as number;
  // Tridiagonal system for the second derivatives (Thomas algorithm).
  const sub = new Float64Array(n + 1);
  const diag = new Float64Array(n + 1);
  const sup = new Float64Array(n + 1);
  const rhs = new Float64Array(n + 1);
  diag[0] = 2 * hi(0);
  sup[0] = hi(0);
  rhs[0] = 6 * ((y(1) - y(0)) / hi(0) - d0);
  for (let i = 1; i < n; i++) {
    sub[i] = hi(i - 1);
    diag[i] = 2 * (hi(i - 1) + hi(i));
    sup[i] = hi(i);
    rhs[i] = 6 * ((y(i + 1) - y(i)) / hi(i) - (y(i) - y(i - 1)) / hi(i - 1));
  }
  sub[n] = hi(n - 1);
  diag[n] = 2 * hi(n - 1);
  rhs[n] = 6 * (dn - (y(n) - y(n - 1)) / hi(n - 1));
  for (let i = 1; i <= n; i++) {
    const w = (sub[i] as number) / (diag[i - 1] as number);
    diag[i] = (diag[i] as number) - w * (sup[i - 1] as number);
    rhs[i] = (rhs[i] as number) - w * (rhs[i - 1] as number);
  }
  const m2 = new Float64Array(n + 1);
  m2[n] = (rhs[n] as number) / (diag[n] as number);
  for (let i = n - 1; i >= 0; i--) m2[i] = ((rhs[i] as number) - (sup[i] as number) * (m2[i + 1] as number)) / (diag[i] as number);

  return (t: number): number => {
    let i = 0;
    if (t >= x(n - 1)) i = n - 1;
    else if (t > x(0)) {
      let lo = 0;
      let hiIdx = n - 1;
      while (lo < hiIdx) {
        const mid = (lo + hiIdx + 1) >> 1;
        if (x(mid) <= t) lo = mid;
        else hiIdx = mid - 1;
      }
      i = lo;
    }
    const hh = hi(i);
    const a = x(i + 1) - t;
    const b = t - x(i);
    const mi = m2[i] as number;
    const mj = m2[i + 1] as number;
    return (mi * a ** 3 + mj * b ** 3) / (6 * hh) + (y(i) / hh - (mi * hh) / 6) * a + (y(i + 1) / hh - (mj * hh) / 6) * b;
  };
}

/** Fills a packed [l, m, s] array for grid points `first..last` (index = point − first). */
function fillGrid(knots: Knots, count: number, xOf: (i: number) => number, into: Float64Array, offset = 0): void {
  const L = cubicSpline(knots.x, knots.l);
  const M = cubicSpline(knots.x, knots.m);
  const S = cubicSpline(knots.x, knots.s);
  for (let i = 0; i < count; i++) {
    const t = xOf(i);
    into[(offset + i) * 3] = L(t);
    into[(offset + i) * 3 + 1] = M(t);
    into[(offset + i) * 3 + 2] = S(t);
  }
}

function buildDaily(indicator: AgeIndicator, sex: Sex): Float64Array {
  const out = new Float64Array((MAX_AGE_DAYS + 1) * 3);
  switch (indicator) {
    case "wfa":
    case "hcfa":
      fillGrid(ageKnots(indicator, sex, "0_5", 4, 60, true), MAX_AGE_DAYS + 1, (d) => d, out);
      break;
    case "lhfa":
    case "bmifa": {
      // Length-based curve for 0–730 days, height-based curve from 731 days (WHO's `lorh` split).
      fillGrid(ageKnots(indicator, sex, "0_2", 4, 24, true), HEIGHT_FROM_DAY, (d) => d, out);
      fillGrid(ageKnots(indicator, sex, "2_5", 24, 60, false), MAX_AGE_DAYS + 1 - HEIGHT_FROM_DAY, (d) => d + HEIGHT_FROM_DAY, out, HEIGHT_FROM_DAY);
      break;
    }
  }
  return out;
}

function buildLengthGrid(indicator: LengthIndicator, sex: Sex): Float64Array {
  const [lo, hi] = LENGTH_RANGE[indicator];
  const table = indicator === "wfl" ? `wfl_${sexName(sex)}_0_2` : `wfh_${sexName(sex)}_2_5`;
  const knots = knotsFrom(readTable(table), indicator === "wfl" ? "Length" : "Height", (v) => v, () => true);
  const count = Math.round((hi - lo) / LENGTH_STEP) + 1;
  const out = new Float64Array(count * 3);
  fillGrid(knots, count, (i) => lo + i * LENGTH_STEP, out);
  return out;
}

const dailyCache = new Map<string, Float64Array>();
const lengthCache = new Map<string, Float64Array>();

function daily(indicator: AgeIndicator, sex: Sex): Float64Array {
  const key = `${indicator}:${sex}`;
  let grid = dailyCache.get(key);
  if (!grid) {
    grid = buildDaily(indicator, sex);
    dailyCache.set(key, grid);
  }
  return grid;
}

function lengthGrid(indicator: LengthIndicator, sex: Sex): Float64Array {
  const key = `${indicator}:${sex}`;
  let grid = lengthCache.get(key);
  if (!grid) {
    grid = buildLengthGrid(indicator, sex);
    lengthCache.set(key, grid);
  }
  return grid;
}

/** LMS for an integer age in days 0–1856, or undefined outside the tables. */
export function lmsForAge(indicator: AgeIndicator, sex: Sex, ageDays: number): Lms | undefined {
  if (!Number.isInteger(ageDays) || ageDays < 0 || ageDays > MAX_AGE_DAYS) return undefined;
  const g = daily(indicator, sex);
  const i = ageDays * 3;
  return { l: g[i] as number, m: g[i + 1] as number, s: g[i + 2] as number };
}

/**
 * LMS for a length/height in cm. Like WHO Anthro: L, M and S are interpolated linearly between the
 * two 0.1 cm rows around the value (the 0.1 cm rows themselves come from the spline above).
 */
export function lmsForLength(indicator: LengthIndicator, sex: Sex, cm: number): Lms | undefined {
  const [lo, hi] = LENGTH_RANGE[indicator];
  if (!(cm >= lo && cm <= hi)) return undefined;
  const g = lengthGrid(indicator, sex);
  const pos = (cm - lo) / LENGTH_STEP;
  // Snap values like 72.49999999 (binary floating point) onto their 0.1 cm row.
  const nearest = Math.round(pos);
  const base = Math.abs(pos - nearest) < 1e-7 ? nearest : Math.floor(pos);
  const frac = Math.abs(pos - nearest) < 1e-7 ? 0 : pos - base;
  const i = base * 3;
  if (frac === 0) return { l: g[i] as number, m: g[i + 1] as number, s: g[i + 2] as number };
  const l0 = g[i] as number;
  const m0 = g[i + 1] as number;
  const s0 = g[i + 2] as number;
  return { l: l0 + frac * ((g[i + 3] as number) - l0), m: m0 + frac * ((g[i + 4] as number) - m0), s: s0 + frac * ((g[i + 5] as number) - s0) };
}
