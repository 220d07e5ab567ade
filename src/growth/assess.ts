// One-call growth assessment: age → WHO z-scores → Permenkes 2/2020 statuses.
import { classifyAll, type NutritionStatus } from "./classify.js";
import { MAX_AGE_DAYS, type Sex } from "./who-tables.js";
import { ageInDays, completedMonths, computeZScores, dayNumber, type Position, type WhoFlags, type ZScores } from "./zscore.js";

export interface GrowthInput {
  sex: Sex;
  /** Tanggal lahir, YYYY-MM-DD; needs `measuredOn`. */
  birthDate?: string | undefined;
  /** Tanggal ukur, YYYY-MM-DD. */
  measuredOn?: string | undefined;
  /** Age in days, used when no birth date is given. */
  ageDays?: number | undefined;
  weightKg?: number | undefined;
  lengthCm?: number | undefined;
  position?: Position | undefined;
  oedema?: boolean | undefined;
  headCm?: number | undefined;
  /** Kept for the record; MUAC-for-age needs a WHO table jsgrowup does not ship (zac stays null). */
  muacCm?: number | undefined;
}

export type AgeProblem = "bad-date" | "measured-before-birth" | "too-old" | "unknown-age";

export interface GrowthAssessment {
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

function resolveAge(input: GrowthInput): { ageDays: number | null; ageMonths: number | null; problem: AgeProblem | null } {
  if (input.birthDate !== undefined) {
    if (input.measuredOn === undefined || !Number.isFinite(dayNumber(input.birthDate)) || !Number.isFinite(dayNumber(input.measuredOn))) {
      return { ageDays: null, ageMonths: null, problem: "bad-date" };
    }
    const days = ageInDays(input.birthDate, input.measuredOn);
    if (days < 0) return { ageDays: null, ageMonths: null, problem: "measured-before-birth" };
    return { ageDays: days, ageMonths: completedMonths(input.birthDate, input.measuredOn), problem: days > MAX_AGE_DAYS ? "too-old" : null };
  }
  if (input.ageDays !== undefined && Number.isFinite(input.ageDays)) {
    const days = Math.floor(input.ageDays + 0.5);
    if (days < 0) return { ageDays: null, ageMonths: null, problem: "measured-before-birth" };
    return { ageDays: days, ageMonths: null, problem: days > MAX_AGE_DAYS ? "too-old" : null };
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
  });
  return {
    ageDays,
    ageMonths,
    ageProblem: problem,
    clenhei: r.clenhei,
    cbmi: r.cbmi,
    z: r.z,
    flags: r.flags,
    status: classifyAll(r.z),
    positionUsed: r.positionUsed,
    standingUnder9Months: r.standingUnder9Months,
  };
}
