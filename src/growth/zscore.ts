// WHO Child Growth Standards z-scores computed the way WHO Anthro / igrowup compute them:
// LMS z-score (WHO 2006 technical report, ch. 7), restricted beyond ±3 SD for weight-based
// indicators, the ±0.7 cm length/height convention, WHO's implausible-value flags, 2-decimal rounding.
import {
  DAYS_PER_MONTH,
  HEIGHT_FROM_DAY,
  LENGTH_RANGE,
  MAX_AGE_DAYS,
  lmsForAge,
  lmsForLength,
  type Lms,
  type LengthIndicator,
  type Sex,
} from "./who-tables.js";

export type Position = "lying" | "standing";
export type Flag = 0 | 1;

export interface ZScoreInput {
  sex: Sex;
  /** Age in whole days; null when unknown (then only weight-for-length/height is computed). */
  ageDays: number | null;
  weightKg?: number | undefined;
  lengthCm?: number | undefined;
  /** How length/height was measured: lying (terlentang, PB) or standing (berdiri, TB). */
  position?: Position | undefined;
  /** Bilateral pitting oedema: weight no longer reflects nutrition, so no weight-based z-scores. */
  oedema?: boolean | undefined;
  headCm?: number | undefined;
}

export interface ZScores {
  zlen: number | null;
  zwei: number | null;
  zwfl: number | null;
  zbmi: number | null;
  zhc: number | null;
  /**
   * MUAC-for-age. Always null: jsgrowup ships no arm-circumference table (WHO `acanthro`), so it
   * cannot be computed here.
   */
  zac: null;
}

export interface WhoFlags {
  flen: Flag | null;
  fwei: Flag | null;
  fwfl: Flag | null;
  fbmi: Flag | null;
  fhc: Flag | null;
}

export interface ZScoreResult {
  ageDays: number | null;
  /** Length/height after the ±0.7 cm convention (WHO Anthro `clenhei`). */
  clenhei: number | null;
  /** BMI from weight and clenhei (WHO Anthro `cbmi`). */
  cbmi: number | null;
  z: ZScores;
  flags: WhoFlags;
  /** The position used for the correction (null when unknown or ignored). */
  positionUsed: Position | null;
  /** Standing height reported for a child under 9 months: WHO Anthro treats it as implausible. */
  standingUnder9Months: boolean;
}

/** Rounds half away from zero to `dp` decimals (z-scores are reported with 2 decimals). */
export function roundTo(value: number, dp: number): number {
  const f = 10 ** dp;
  const r = Math.round(Math.abs(value) * f + 1e-9) / f;
  return value < 0 ? -r : r;
}

/** Age in days from age in months, as WHO Anthro: months × 30.4375, rounded half up. */
export function ageDaysFromMonths(months: number): number {
  return Math.floor(months * DAYS_PER_MONTH + 0.5);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for an ISO calendar date (YYYY-MM-DD), or NaN when it is not one. */
export function dayNumber(isoDate: string): number {
  const m = DATE_RE.exec(isoDate);
  if (!m) return Number.NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return Number.NaN;
  return t / 86_400_000;
}

/** Exact age in days between two local calendar dates (WHO Anthro uses the date difference). */
export function ageInDays(birthDate: string, measuredOn: string): number {
  return dayNumber(measuredOn) - dayNumber(birthDate);
}

/**
 * Umur bulan penuh (completed months) as Kemenkes counts it: months between the dates, minus one
 * when the day of month has not been reached yet (e.g. 8 bulan 10 hari → 8).
 */
export function completedMonths(birthDate: string, measuredOn: string): number {
  const b = DATE_RE.exec(birthDate);
  const m = DATE_RE.exec(measuredOn);
  if (!b || !m) return Number.NaN;
  let months = (Number(m[1]) - Number(b[1])) * 12 + (Number(m[2]) - Number(b[2]));
  if (Number(m[3]) < Number(b[3])) months -= 1;
  return months;
}

/** WHO Anthro treats standing height below 9 months (age in days / 30.4375 < 9) as implausible. */
export function isStandingUnder9Months(ageDays: number | null, position: Position | undefined): boolean {
  return position === "standing" && ageDays !== null && ageDays / DAYS_PER_MONTH < 9;
}

/**
 * The ±0.7 cm convention (WHO Child Growth Standards; Permenkes 2/2020 uses the same rule):
 * under 731 days the tables are for lying length, so standing height + 0.7 cm; from 731 days they
 * are for standing height, so lying length − 0.7 cm. Unknown position: used as given. A child under
 * 9 months "measured standing" is not corrected (WHO Anthro sets the position to unknown).
 */
export function correctLengthHeight(ageDays: number | null, lengthCm: number, position: Position | undefined): { clenhei: number; positionUsed: Position | null } {
  if (ageDays === null || position === undefined || isStandingUnder9Months(ageDays, position)) {
    return { clenhei: lengthCm, positionUsed: isStandingUnder9Months(ageDays, position) ? null : (position ?? null) };
  }
  if (ageDays < HEIGHT_FROM_DAY && position === "standing") return { clenhei: lengthCm + 0.7, positionUsed: position };
  if (ageDays >= HEIGHT_FROM_DAY && position === "lying") return { clenhei: lengthCm - 0.7, positionUsed: position };
  return { clenhei: lengthCm, positionUsed: position };
}

/** LMS z-score: ((y/M)^L − 1) / (S·L); the log form when L is 0. */
export function lmsZ(y: number, { l, m, s }: Lms): number {
  return l === 0 ? Math.log(y / m) / s : ((y / m) ** l - 1) / (s * l);
}

/**
 * WHO's restricted application of LMS for right-skewed (weight-based) indicators: beyond ±3 SD the
 * distance is measured in units of the 2–3 SD band (WHO 2006 technical report, ch. 7, p. 302).
 */
export function restrictedLmsZ(y: number, lms: Lms): number {
  const z = lmsZ(y, lms);
  if (z >= -3 && z <= 3) return z;
  const sd = (k: number): number => lms.m * (1 + lms.l * lms.s * k) ** (1 / lms.l);
  if (z > 3) return 3 + (y - sd(3)) / (sd(3) - sd(2));
  return -3 + (y - sd(-3)) / (sd(-2) - sd(-3));
}

// Helpers are function declarations, not per-call closures: the batch CLI calls this 100,000 times.
function positive(v: number | undefined): v is number {
  return v !== undefined && Number.isFinite(v) && v > 0;
}

/** WHO Anthro flags: |zlen| > 6; zwei < −6 or > 5; |zwfl|, |zbmi|, |zhc| > 5 (on the rounded z). */
function flag(z: number | null, low: number, high: number): Flag | null {
  return z === null ? null : z < low || z > high ? 1 : 0;
}

/** Age-based z-score rounded to 2 decimals, or null outside the tables. */
function zAtAge(indicator: "lhfa" | "wfa" | "bmifa" | "hcfa", sex: Sex, age: number | null, y: number | null, restricted: boolean): number | null {
  if (age === null || y === null || !(y > 0)) return null;
  const lms = lmsForAge(indicator, sex, age);
  if (!lms) return null;
  return roundTo(restricted ? restrictedLmsZ(y, lms) : lmsZ(y, lms), 2);
}

/** Which weight-for-length/height table applies (WHO Anthro: by age; without age by position, then 87 cm). */
export function wflTable(ageDays: number | null, position: Position | null, clenhei: number): LengthIndicator {
  if (ageDays !== null) return ageDays < HEIGHT_FROM_DAY ? "wfl" : "wfh";
  if (position !== null) return position === "lying" ? "wfl" : "wfh";
  return clenhei < 87 ? "wfl" : "wfh";
}

/** All WHO z-scores and flags for one measurement. Pure; never throws for numeric input. */
export function computeZScores(input: ZScoreInput): ZScoreResult {
  const { sex, weightKg, oedema = false } = input;
  const ageDays = input.ageDays === null || !Number.isFinite(input.ageDays) ? null : Math.floor(input.ageDays + 0.5);
  const standingUnder9Months = isStandingUnder9Months(ageDays, input.position);
  let clenhei: number | null = null;
  let positionUsed: Position | null = null;
  if (positive(input.lengthCm)) {
    ({ clenhei, positionUsed } = correctLengthHeight(ageDays, input.lengthCm, input.position));
  }
  const cbmi = clenhei !== null && positive(weightKg) ? weightKg / (clenhei / 100) ** 2 : null;
  const age = ageDays !== null && ageDays >= 0 && ageDays <= MAX_AGE_DAYS ? ageDays : null;

  const zlen = zAtAge("lhfa", sex, age, clenhei, false);
  const zwei = oedema ? null : zAtAge("wfa", sex, age, positive(weightKg) ? weightKg : null, true);
  const zbmi = oedema ? null : zAtAge("bmifa", sex, age, cbmi, true);
  const zhc = zAtAge("hcfa", sex, age, positive(input.headCm) ? input.headCm : null, false);

  let zwfl: number | null = null;
  // WHO Anthro blanks weight-for-length/height for weight outside 0.9–58 kg or length outside 38–150 cm.
  if (!oedema && clenhei !== null && positive(weightKg) && weightKg >= 0.9 && weightKg <= 58 && clenhei >= 38 && clenhei <= 150 && (ageDays === null || (ageDays >= 0 && ageDays <= MAX_AGE_DAYS))) {
    const table = wflTable(ageDays, positionUsed, clenhei);
    const [lo, hi] = LENGTH_RANGE[table];
    const lms = clenhei >= lo && clenhei <= hi ? lmsForLength(table, sex, clenhei) : undefined;
    if (lms) zwfl = roundTo(restrictedLmsZ(weightKg, lms), 2);
  }

  return {
    ageDays,
    clenhei,
    cbmi,
    z: { zlen, zwei, zwfl, zbmi, zhc, zac: null },
    flags: {
      flen: flag(zlen, -6, 6),
      fwei: flag(zwei, -6, 5),
      fwfl: flag(zwfl, -5, 5),
      fbmi: flag(zbmi, -5, 5),
      fhc: flag(zhc, -5, 5),
    },
    positionUsed,
    standingUnder9Months,
  };
}
