// WHO Child Growth Standards (2006/2007) LMS tables, exactly as WHO Anthro 1.1.0 uses them: the
// daily tables (0–1826 days; arm circumference from 91 days) and the 0.1 cm weight-for-length/height
// tables, copied verbatim from WHO's R package `anthro` 1.1.0 (data-raw/growthstandards/, GPL-3).
// Provenance and checksums: src/growth/who/PROVENANCE.md. Each table is parsed once, on first use,
// into a Float64Array (about 2 ms a table), so the batch CLI pays only for the tables it needs.
import { readFileSync } from "node:fs";

/** Laki-laki (boy) or Perempuan (girl), as on the KMS / Buku KIA. */
export type Sex = "L" | "P";

/**
 * Age-based indicators: length/height-, weight-, BMI-, head circumference- and arm
 * circumference-for-age. `lhfa` and `bmifa` switch from the length to the height rows at 731 days.
 */
export type AgeIndicator = "lhfa" | "wfa" | "bmifa" | "hcfa" | "acfa";
/** Length-based indicators: weight-for-length (45–110 cm) and weight-for-height (65–120 cm). */
export type LengthIndicator = "wfl" | "wfh";

export interface Lms {
  l: number;
  m: number;
  s: number;
}

/** WHO switches from recumbent length to standing height tables at 731 days (WHO Anthro). */
export const HEIGHT_FROM_DAY = 731;
/** WHO Anthro's days per month (365.25 / 12). */
export const DAYS_PER_MONTH = 30.4375;
/** WHO Anthro scores only ages under 60 months (age in days / 30.4375 < 60, unrounded). */
export const MAX_AGE_MONTHS = 60;
/** The last whole day that is scored (1826 / 30.4375 = 59.99 months; 1826.25 days is 60 months). */
export const MAX_AGE_DAYS = 1826;

/** Valid length/height ranges of the two tables, inclusive (WHO Anthro). */
export const LENGTH_RANGE: Record<LengthIndicator, readonly [number, number]> = {
  wfl: [45, 110],
  wfh: [65, 120],
};

/** The first day of each age table (arm circumference-for-age starts at 3 months = 91 days). */
export const FIRST_DAY: Record<AgeIndicator, number> = { lhfa: 0, wfa: 0, bmifa: 0, hcfa: 0, acfa: 91 };

const FILE: Record<AgeIndicator | LengthIndicator, string> = {
  lhfa: "lenanthro",
  wfa: "weianthro",
  bmifa: "bmianthro",
  hcfa: "hcanthro",
  acfa: "acanthro",
  wfl: "wflanthro",
  wfh: "wfhanthro",
};

/**
 * A table for one indicator: rows indexed by key − first (days, or tenths of a cm), three values
 * (l, m, s) per row, boys then girls. NaN marks a row the file does not have.
 */
interface Table {
  first: number;
  rows: number;
  lms: Float64Array;
}

const tables = new Map<string, Table>();

function parseTable(indicator: AgeIndicator | LengthIndicator): Table {
  const text = readFileSync(new URL(`./who/${FILE[indicator]}.txt`, import.meta.url), "utf8");
  const lines = text.split("\n");
  // Keys in tenths of a cm for the length tables: "45.1" → 451 (exact for the 0.1 cm rows).
  const scale = indicator === "wfl" || indicator === "wfh" ? 10 : 1;
  const parsed: number[][] = [];
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === "") continue;
    const [sex, key, l, m, s] = line.split("\t");
    const k = Math.round(Number(key) * scale);
    parsed.push([Number(sex), k, Number(l), Number(m), Number(s)]);
    first = Math.min(first, k);
    last = Math.max(last, k);
  }
  const rows = last - first + 1;
  const lms = new Float64Array(rows * 2 * 3).fill(Number.NaN);
  for (const [sex, k, l, m, s] of parsed as [number, number, number, number, number][]) {
    const at = ((sex - 1) * rows + (k - first)) * 3;
    lms[at] = l;
    lms[at + 1] = m;
    lms[at + 2] = s;
  }
  return { first, rows, lms };
}

function table(indicator: AgeIndicator | LengthIndicator): Table {
  let t = tables.get(indicator);
  if (!t) {
    t = parseTable(indicator);
    tables.set(indicator, t);
  }
  return t;
}

/** The row for an integer key, or undefined when the table has none (WHO Anthro's failed merge). */
function row(indicator: AgeIndicator | LengthIndicator, sex: Sex, key: number): Lms | undefined {
  const t = table(indicator);
  const i = key - t.first;
  if (!Number.isInteger(i) || i < 0 || i >= t.rows) return undefined;
  const at = ((sex === "L" ? 0 : 1) * t.rows + i) * 3;
  const l = t.lms[at] as number;
  if (Number.isNaN(l)) return undefined;
  return { l, m: t.lms[at + 1] as number, s: t.lms[at + 2] as number };
}

/** LMS at an exact whole day (no interpolation), or undefined outside the table. */
export function lmsForAge(indicator: AgeIndicator, sex: Sex, ageDays: number): Lms | undefined {
  return row(indicator, sex, ageDays);
}

/** LMS of one 0.1 cm row, the key in tenths of a cm (e.g. 751 for 75.1 cm). */
export function lmsForLengthRow(indicator: LengthIndicator, sex: Sex, tenths: number): Lms | undefined {
  return row(indicator, sex, tenths);
}

/**
 * LMS for a length/height in cm, interpolated as WHO Anthro does (anthro_zscore_weight_for_lenhei):
 * the rows at trunc(10·x)/10 and trunc(10·x + 1)/10, L, M and S each linear in between; the row
 * itself when x is on it. Undefined when a needed row is missing. The range check (45–110,
 * 65–120 cm) is the caller's, as in WHO Anthro.
 */
export function lmsForLength(indicator: LengthIndicator, sex: Sex, cm: number): Lms | undefined {
  const low = Math.trunc(cm * 10);
  const diff = (cm - low / 10) / 0.1;
  const lo = row(indicator, sex, low);
  if (!(diff > 0)) return lo;
  const hi = row(indicator, sex, Math.trunc(cm * 10 + 1));
  if (!lo || !hi) return undefined;
  return { l: lo.l + diff * (hi.l - lo.l), m: lo.m + diff * (hi.m - lo.m), s: lo.s + diff * (hi.s - lo.s) };
}
