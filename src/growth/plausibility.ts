// Checks that make the bot ask the kader to confirm a measurement before it is stored.
// Each warning is a code (text: growth:plausibility.<code>) plus the values for the message.
import type { GrowthAssessment } from "./assess.js";
import { DAYS_PER_MONTH, type Sex } from "./who-tables.js";
import { computeZScores, dayNumber } from "./zscore.js";

export type PlausibilityCode =
  | "who-flag"
  | "same-day-duplicate"
  | "weight-in-grams"
  | "weight-decimal"
  | "future-date"
  | "before-birth"
  | "age-5-years-or-more"
  | "standing-under-9-months"
  | "length-decreased"
  | "weight-jump";

export interface PlausibilityWarning {
  code: PlausibilityCode;
  /** For who-flag: which z-score (zlen, zwei, zwfl, zbmi, zhc, zac). */
  field?: string;
  vars?: Record<string, string | number>;
}

export interface PreviousMeasurement {
  /** YYYY-MM-DD */
  date: string;
  weightKg?: number | undefined;
  /** Length/height after the ±0.7 cm correction (clenhei), so lying vs standing does not count as change. */
  clenhei?: number | undefined;
}

export interface PlausibilityContext {
  /** Date of this measurement, YYYY-MM-DD. */
  measuredOn: string;
  /** Today in Asia/Makassar, YYYY-MM-DD. */
  today: string;
  birthDate?: string | undefined;
  weightKg?: number | undefined;
  previous?: readonly PreviousMeasurement[] | undefined;
  /** The parser saw a weight that looks like grams (KaderReport.weightGrams). */
  weightGrams?: number | undefined;
  /** A bare number read as a weight with its decimal comma lost ("820" → 8,2 kg). */
  weightTyped?: number | undefined;
}

/**
 * Warnings that cannot be confirmed: the report is not stored, the kader sends the line again.
 * A measurement dated in the future did not happen yet.
 */
export const BLOCKING_WARNINGS: readonly PlausibilityCode[] = ["future-date"];

export const isBlocking = (w: PlausibilityWarning): boolean => BLOCKING_WARNINGS.includes(w.code);

/**
 * How to read a bare whole-number weight such as "820" or "8200": as grams (÷ 1000) or as kilograms
 * with the decimal comma lost (÷ 100, ÷ 10). The reading whose weight-for-age z-score (WHO 2006) is
 * nearest the median is the one suggested to the kader, who still confirms it: 820 for an
 * 18-month-old is 8,20 kg, not 0,82 kg. Without an age the grams reading stays.
 */
export function bareWeightReading(typed: number, sex: Sex, ageDays: number | null): { kg: number; reading: "grams" | "decimal" } {
  const grams = { kg: typed / 1000, reading: "grams" as const };
  if (ageDays === null || ageDays < 0) return grams;
  let best: { kg: number; reading: "grams" | "decimal"; z: number } | null = null;
  for (const [divisor, reading] of [
    [1000, "grams"],
    [100, "decimal"],
    [10, "decimal"],
  ] as const) {
    const kg = typed / divisor;
    const z = computeZScores({ sex, ageDays, weightKg: kg }).z.zwei;
    if (z === null) continue;
    if (!best || Math.abs(z) < Math.abs(best.z)) best = { kg, reading, z };
  }
  return best ? { kg: best.kg, reading: best.reading } : grams;
}

/**
 * A real child does not shrink. Length boards and microtoise read to 0.1 cm and trained measurers
 * repeat a length within a few millimetres (WHO MGRS reliability study, Acta Paediatr 2006;
 * Suppl 450:38–46 — exact technical errors not re-checked here), so a drop of more than 1.5 cm
 * (twice the 0.7 cm lying/standing difference, after that correction) is a measuring or typing
 * error rather than growth. The threshold is a team choice, not a Kemenkes rule.
 */
export const MAX_LENGTH_DECREASE_CM = 1.5;
/**
 * Within two months a balita's weight rarely changes by a fifth: the KBM gains are 0.2–0.9 kg a
 * month (Buku KIA) and acute illness losses of 5–10 % are already severe. More than 20 % within
 * 62 days is treated as a probable typo (e.g. 8,2 vs 9,2, or another child's card). Team choice,
 * not a Kemenkes rule.
 */
export const MAX_WEIGHT_CHANGE_FRACTION = 0.2;
const WEIGHT_JUMP_WINDOW_DAYS = 62;

const FLAG_TO_Z = { flen: "zlen", fwei: "zwei", fwfl: "zwfl", fbmi: "zbmi", fhc: "zhc", fac: "zac" } as const;

export function checkPlausibility(assessment: GrowthAssessment, ctx: PlausibilityContext): PlausibilityWarning[] {
  const warnings: PlausibilityWarning[] = [];
  for (const [flagName, zName] of Object.entries(FLAG_TO_Z) as [keyof typeof FLAG_TO_Z, (typeof FLAG_TO_Z)[keyof typeof FLAG_TO_Z]][]) {
    if (assessment.flags[flagName] === 1) warnings.push({ code: "who-flag", field: zName, vars: { z: assessment.z[zName] ?? "" } });
  }
  if (ctx.weightGrams !== undefined) {
    // Suggest the kg reading in Indonesian notation (decimal comma) for the confirmation question.
    const kg = String(Math.round(ctx.weightGrams) / 1000).replace(".", ",");
    warnings.push({ code: "weight-in-grams", vars: { grams: ctx.weightGrams, kg } });
  }
  if (ctx.weightTyped !== undefined && ctx.weightKg !== undefined) {
    // As many decimals as the comma that was lost: 820 → 8,20; 82 → 8,2.
    const dp = Math.max(0, Math.round(Math.log10(ctx.weightTyped / ctx.weightKg)));
    warnings.push({ code: "weight-decimal", vars: { typed: ctx.weightTyped, kg: ctx.weightKg.toFixed(dp).replace(".", ",") } });
  }

  const day = dayNumber(ctx.measuredOn);
  const today = dayNumber(ctx.today);
  if (Number.isFinite(day) && Number.isFinite(today) && day > today) warnings.push({ code: "future-date", vars: { date: ctx.measuredOn } });

  if (ctx.birthDate !== undefined && Number.isFinite(day)) {
    const birth = dayNumber(ctx.birthDate);
    if (Number.isFinite(birth) && day < birth) warnings.push({ code: "before-birth" });
  }
  // WHO Anthro scores only under 60 months (1826 days); Permenkes 2/2020 covers 0–60 bulan.
  if (assessment.ageDays !== null && assessment.ageProblem === "too-old") {
    warnings.push({ code: "age-5-years-or-more", vars: { months: Math.floor(assessment.ageDays / DAYS_PER_MONTH) } });
  }
  if (assessment.standingUnder9Months) warnings.push({ code: "standing-under-9-months" });

  const previous = ctx.previous ?? [];
  if (Number.isFinite(day)) {
    if (previous.some((p) => dayNumber(p.date) === day)) warnings.push({ code: "same-day-duplicate", vars: { date: ctx.measuredOn } });

    // Compare with the latest earlier measurement that has the value.
    const earlier = previous.filter((p) => dayNumber(p.date) < day).sort((a, b) => dayNumber(b.date) - dayNumber(a.date));
    const lastLength = earlier.find((p) => p.clenhei !== undefined);
    if (lastLength?.clenhei !== undefined && assessment.clenhei !== null) {
      const drop = lastLength.clenhei - assessment.clenhei;
      if (drop > MAX_LENGTH_DECREASE_CM) {
        warnings.push({
          code: "length-decreased",
          vars: { previous: round1(lastLength.clenhei), now: round1(assessment.clenhei), date: lastLength.date },
        });
      }
    }
    const lastWeight = earlier.find((p) => p.weightKg !== undefined && p.weightKg > 0);
    if (
      lastWeight?.weightKg !== undefined &&
      ctx.weightKg !== undefined &&
      ctx.weightKg > 0 &&
      day - dayNumber(lastWeight.date) <= WEIGHT_JUMP_WINDOW_DAYS
    ) {
      const change = Math.abs(ctx.weightKg - lastWeight.weightKg) / lastWeight.weightKg;
      if (change > MAX_WEIGHT_CHANGE_FRACTION) {
        warnings.push({ code: "weight-jump", vars: { previous: lastWeight.weightKg, now: ctx.weightKg, date: lastWeight.date } });
      }
    }
  }
  return warnings;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

/** The i18n key of a warning text, e.g. `growth:plausibility.length-decreased`. */
export function plausibilityKey(code: PlausibilityCode): string {
  return `growth:plausibility.${code}`;
}
