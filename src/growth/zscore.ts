// WHO Child Growth Standards z-scores exactly as WHO Anthro 1.1.0 computes them (WHO's R package
// `anthro`, function anthro_zscores; github.com/WorldHealthOrganization/anthro, R/z-score*.R): the
// LMS z-score (WHO 2006 technical report, ch. 7), restricted beyond ±3 SD for weight-, BMI-,
// weight-for-length/height- and arm circumference-for-age, the ±0.7 cm length/height convention,
// the tables read at the exact rounded day, R's 2-decimal rounding, and WHO's flags on the rounded
// z. Every arithmetic step follows WHO's code in the same order, so the doubles are the same; the
// reference set test/growth/fixtures/who-anthro-reference.csv (WHO's own output) checks it.
import {
  DAYS_PER_MONTH,
  FIRST_DAY,
  HEIGHT_FROM_DAY,
  LENGTH_RANGE,
  MAX_AGE_MONTHS,
  lmsForAge,
  lmsForLength,
  type AgeIndicator,
  type LengthIndicator,
  type Lms,
  type Sex,
} from "./who-tables.js";

export type Position = "lying" | "standing";
export type Flag = 0 | 1;

export interface ZScoreInput {
  sex: Sex;
  /**
   * Age in days, exact (may have a fraction: WHO Anthro rounds it half up for the tables but
   * decides "under 60 months" and "under 9 months" on the unrounded value); null when unknown
   * (then only weight-for-length/height is computed). A negative age gives no z-score.
   */
  ageDays: number | null;
  weightKg?: number | undefined;
  lengthCm?: number | undefined;
  /** How length/height was measured: lying (terlentang, PB) or standing (berdiri, TB). */
  position?: Position | undefined;
  /** Bilateral pitting oedema: weight no longer reflects nutrition, so no weight-based z-scores. */
  oedema?: boolean | undefined;
  headCm?: number | undefined;
  /** Mid-upper arm circumference (LiLA), cm. */
  muacCm?: number | undefined;
}

export interface ZScores {
  zlen: number | null;
  zwei: number | null;
  zwfl: number | null;
  zbmi: number | null;
  zhc: number | null;
  /** Arm circumference (MUAC/LiLA)-for-age, from 91 days. */
  zac: number | null;
}

/** WHO Anthro's flags: 1 when the z-score is implausible, null when there is no z-score. */
export interface WhoFlags {
  flen: Flag | null;
  fwei: Flag | null;
  fwfl: Flag | null;
  fbmi: Flag | null;
  fhc: Flag | null;
  fac: Flag | null;
}

export interface ZScoreResult {
  /** Age in whole days (rounded half up), null when unknown or negative. */
  ageDays: number | null;
  /** Length/height after the ±0.7 cm convention (WHO Anthro `clenhei`). */
  clenhei: number | null;
  /** BMI from weight and clenhei (WHO Anthro `cbmi`). */
  cbmi: number | null;
  z: ZScores;
  flags: WhoFlags;
  /** The position used for the correction (WHO Anthro `cmeasure`; null when unknown or ignored). */
  positionUsed: Position | null;
  /** Standing height reported for a child under 9 months (WHO Anthro `c9mo_flag`): not corrected. */
  standingUnder9Months: boolean;
}

/**
 * R's `round(x, digits)` (R ≥ 4.0.0, src/nmath/fround.c), which WHO Anthro applies to every z-score:
 * of the two decimal candidates around x it takes the nearer one *as a double*, and on an exact tie
 * the even one. So 1.005 (stored as 1.00499999999999989…) gives 1, not 1.01. Checked against R
 * 4.2 on 700,000 values, ties included.
 */
export function roundTo(value: number, dp: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const sgn = value < 0 ? -1 : 1;
  const x = Math.abs(value);
  const p10 = 10 ** dp;
  const x10 = p10 * x;
  const i10 = Math.floor(x10);
  const xd = i10 / p10;
  const xu = Math.ceil(x10) / p10;
  const du = xu - x;
  const dd = x - xd;
  return sgn * (du < dd || (du === dd && i10 % 2 === 1) ? xu : xd);
}

/** WHO Anthro's `round_up`: a non-negative age in days rounded half up (x.5 → x + 1). */
export function roundHalfUp(x: number): number {
  const down = Math.floor(x);
  return x - down >= 0.5 ? down + 1 : down;
}

/** Age in days from age in months, as WHO Anthro: months × 30.4375, rounded half up. */
export function ageDaysFromMonths(months: number): number {
  return roundHalfUp(months * DAYS_PER_MONTH);
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

/** Standing height under 9 months (age in days / 30.4375 < 9, unrounded) is implausible for WHO Anthro. */
export function isStandingUnder9Months(ageDays: number | null, position: Position | undefined): boolean {
  return position === "standing" && ageDays !== null && ageDays >= 0 && ageDays / DAYS_PER_MONTH < 9;
}

/**
 * The ±0.7 cm convention (WHO Anthro `adjust_lenhei`; Permenkes 2/2020 uses the same rule): under
 * 731 days the tables are for lying length, so standing height + 0.7 cm; from 731 days they are for
 * standing height, so lying length − 0.7 cm (days rounded half up). Unknown position: used as given.
 * A child under 9 months "measured standing" is not corrected (WHO Anthro sets the position to
 * unknown and flags it).
 */
export function correctLengthHeight(
  ageDays: number | null,
  lengthCm: number,
  position: Position | undefined,
): { clenhei: number; positionUsed: Position | null } {
  const used = isStandingUnder9Months(ageDays, position) ? null : (position ?? null);
  const days = ageDays === null || ageDays < 0 ? null : roundHalfUp(ageDays);
  if (days === null || used === null) return { clenhei: lengthCm, positionUsed: used };
  if (days < HEIGHT_FROM_DAY && used === "standing") return { clenhei: lengthCm + 0.7, positionUsed: used };
  if (days >= HEIGHT_FROM_DAY && used === "lying") return { clenhei: lengthCm - 0.7, positionUsed: used };
  return { clenhei: lengthCm, positionUsed: used };
}

/** LMS z-score ((y/M)^L − 1) / (S·L), in WHO Anthro's operation order (`compute_zscore`). */
export function lmsZ(y: number, { l, m, s }: Lms): number {
  return ((y / m) ** l - 1) / (s * l);
}

/**
 * WHO's restricted application of LMS (`compute_zscore_adjusted`): beyond ±3 SD the distance is
 * measured in units of the 2–3 SD band (WHO 2006 technical report, ch. 7, p. 302).
 */
export function restrictedLmsZ(y: number, lms: Lms): number {
  const z = lmsZ(y, lms);
  if (z > 3) {
    const sd3 = sdValue(lms, 3);
    return 3 + (y - sd3) / (sd3 - sdValue(lms, 2));
  }
  if (z < -3) {
    const sd3 = sdValue(lms, -3);
    return -3 + (y - sd3) / (sdValue(lms, -2) - sd3);
  }
  return z;
}

/** The measurement at `sd` SD: M·(1 + L·S·sd)^(1/L) (WHO Anthro `calc_sd`). */
function sdValue({ l, m, s }: Lms, sd: number): number {
  return m * (1 + l * s * sd) ** (1 / l);
}

// Helpers are function declarations, not per-call closures: the batch CLI calls this 100,000 times.
function positive(v: number | undefined): v is number {
  return v !== undefined && Number.isFinite(v) && v > 0;
}

/** A flag on the rounded z: 1 beyond [low, high], null without a z-score. */
function flag(z: number | null, low: number, high: number): Flag | null {
  return z === null ? null : z < low || z > high ? 1 : 0;
}

/** An age-based z-score at the exact rounded day, rounded to 2 decimals; null outside the table. */
function zAtAge(indicator: AgeIndicator, sex: Sex, days: number | null, y: number | null, restricted: boolean): number | null {
  if (days === null || y === null || !(y > 0) || days < FIRST_DAY[indicator]) return null;
  const lms = lmsForAge(indicator, sex, days);
  if (!lms) return null;
  const z = roundTo(restricted ? restrictedLmsZ(y, lms) : lmsZ(y, lms), 2);
  return Number.isFinite(z) ? z : null;
}

/**
 * Which weight-for-length/height table applies (WHO Anthro): by age (length under 731 days); without
 * age by the position measured; without either by the value (length under 87 cm).
 */
export function wflTable(ageDays: number | null, position: Position | null, clenhei: number): LengthIndicator {
  if (ageDays !== null) return ageDays < HEIGHT_FROM_DAY ? "wfl" : "wfh";
  if (position !== null) return position === "lying" ? "wfl" : "wfh";
  return clenhei < 87 ? "wfl" : "wfh";
}

/** Weight-for-length/height z rounded to 2 decimals, or null (outside 45–110 / 65–120 cm). */
function zWeightForLength(sex: Sex, days: number | null, positionUsed: Position | null, clenhei: number, weightKg: number): number | null {
  const table = wflTable(days, positionUsed, clenhei);
  const [lo, hi] = LENGTH_RANGE[table];
  if (!(clenhei >= lo && clenhei <= hi)) return null;
  const lms = lmsForLength(table, sex, clenhei);
  if (!lms) return null;
  const z = roundTo(restrictedLmsZ(weightKg, lms), 2);
  return Number.isFinite(z) ? z : null;
}

/** All WHO z-scores and flags for one measurement. Pure; never throws for numeric input. */
export function computeZScores(input: ZScoreInput): ZScoreResult {
  const { sex, weightKg, oedema = false } = input;
  const rawAge = input.ageDays !== null && Number.isFinite(input.ageDays) ? input.ageDays : null;
  const negativeAge = rawAge !== null && rawAge < 0;
  const days = rawAge === null || negativeAge ? null : roundHalfUp(rawAge);
  // WHO Anthro: z-scores only for age in months < 60, on the unrounded age (1826 d yes, 1826.25 d no).
  const underFive = days === null || (rawAge as number) / DAYS_PER_MONTH < MAX_AGE_MONTHS;
  const scored = days !== null && underFive ? days : null;
  const standingUnder9Months = isStandingUnder9Months(days === null ? null : rawAge, input.position);
  let clenhei: number | null = null;
  let positionUsed: Position | null = null;
  if (positive(input.lengthCm)) {
    ({ clenhei, positionUsed } = correctLengthHeight(days === null ? null : rawAge, input.lengthCm, input.position));
  }
  const cbmi = clenhei !== null && positive(weightKg) ? weightKg / ((clenhei / 100) * (clenhei / 100)) : null;

  const zlen = zAtAge("lhfa", sex, scored, clenhei, false);
  const zwei = oedema ? null : zAtAge("wfa", sex, scored, positive(weightKg) ? weightKg : null, true);
  const zbmi = oedema ? null : zAtAge("bmifa", sex, scored, cbmi, true);
  const zhc = zAtAge("hcfa", sex, scored, positive(input.headCm) ? input.headCm : null, false);
  const zac = zAtAge("acfa", sex, scored, positive(input.muacCm) ? input.muacCm : null, true);
  // Without age WHO Anthro still gives weight-for-length/height; a negative age is an input error.
  const zwfl =
    !oedema && !negativeAge && underFive && clenhei !== null && positive(weightKg)
      ? zWeightForLength(sex, days, positionUsed, clenhei, weightKg)
      : null;

  return {
    ageDays: days,
    clenhei,
    cbmi,
    z: { zlen, zwei, zwfl, zbmi, zhc, zac },
    flags: {
      flen: flag(zlen, -6, 6),
      fwei: flag(zwei, -6, 5),
      fwfl: flag(zwfl, -5, 5),
      fbmi: flag(zbmi, -5, 5),
      fhc: flag(zhc, -5, 5),
      fac: flag(zac, -5, 5),
    },
    positionUsed,
    standingUnder9Months,
  };
}
