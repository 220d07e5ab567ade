// One-call growth assessment: age → WHO z-scores → Permenkes 2/2020 statuses.
import { classifyAll, type NutritionStatus } from "./classify.js";
import { DAYS_PER_MONTH, MAX_AGE_MONTHS, type Sex } from "./who-tables.js";
import { ageInDays, completedMonths, computeZScores, dayNumber, type Position, type WhoFlags, type ZScores } from "./zscore.js";

export interface GrowthInput {
  sex: Sex;
  /** Tanggal lahir, YYYY-MM-DD; needs `measuredOn`. */
  birthDate?: string | undefined;
  /** Tanggal ukur, YYYY-MM-DD. */
  measuredOn?: string | undefined;
  /** Age in days (a fraction allowed, as WHO Anthro), used when no birth date is given. */
  ageDays?: number | undefined;
  weightKg?: number | undefined;
  lengthCm?: number | undefined;
  position?: Position | undefined;
  oedema?: boolean | undefined;
  headCm?: number | undefined;
  /** LiLA (mid-upper arm circumference), cm: MUAC-for-age z from 91 days. */
  muacCm?: number | undefined;
}

export type AgeProblem = "bad-date" | "measured-before-birth" | "too-old" | "unknown-age";

export interface GrowthAssessment {
  /** Age in whole days (rounded half up, as WHO Anthro). */
  ageDays: number | null;
  /** Umur bulan penuh (completed months), when dates are known. */
  ageMonths: number | null;
  /** Why age-based z-scores are missing, if they are. */
  ageProblem: AgeProblem | null;
  clenhei: number | null;
  cbmi: number | null;
  z: ZScores;
  flags: WhoFlags;
  status: NutritionStatus;
  positionUsed: Position | null;
  standingUnder9Months: boolean;
}

/** WHO Anthro scores only age in months < 60 on the unrounded age (1826 days yes, 1826.25 no). */
function tooOld(days: number): boolean {
  return days / DAYS_PER_MONTH >= MAX_AGE_MONTHS;
}

/** Age in days, unrounded (computeZScores rounds it as WHO Anthro does). */
function resolveAge(input: GrowthInput): { ageDays: number | null; ageMonths: number | null; problem: AgeProblem | null } {
  if (input.birthDate !== undefined) {
    if (input.measuredOn === undefined || !Number.isFinite(dayNumber(input.birthDate)) || !Number.isFinite(dayNumber(input.measuredOn))) {
      return { ageDays: null, ageMonths: null, problem: "bad-date" };
    }
    const days = ageInDays(input.birthDate, input.measuredOn);
    if (days < 0) return { ageDays: null, ageMonths: null, problem: "measured-before-birth" };
    return { ageDays: days, ageMonths: completedMonths(input.birthDate, input.measuredOn), problem: tooOld(days) ? "too-old" : null };
  }
  if (input.ageDays !== undefined && Number.isFinite(input.ageDays)) {
    const days = input.ageDays;
    if (days < 0) return { ageDays: null, ageMonths: null, problem: "measured-before-birth" };
    return { ageDays: days, ageMonths: null, problem: tooOld(days) ? "too-old" : null };
  }
  return { ageDays: null, ageMonths: null, problem: "unknown-age" };
}

/** Assesses one measurement of one child. Pure; never throws for well-typed input. */
export function assessGrowth(input: GrowthInput): GrowthAssessment {
  const { ageDays, ageMonths, problem } = resolveAge(input);
  const r = computeZScores({
    sex: input.sex,
    ageDays,
    weightKg: input.weightKg,
    lengthCm: input.lengthCm,
    position: input.position,
    oedema: input.oedema,
    headCm: input.headCm,
    muacCm: input.muacCm,
  });
  return {
    ageDays: r.ageDays,
    ageMonths,
    ageProblem: problem,
    clenhei: r.clenhei,
    cbmi: r.cbmi,
    z: r.z,
    flags: r.flags,
    status: classifyAll(r.z, input.oedema === true),
    positionUsed: r.positionUsed,
    standingUnder9Months: r.standingUnder9Months,
  };
}
