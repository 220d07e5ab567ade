// Children exactly at WHO Anthro's plausibility limits, found from the z-score itself: the value
// (weight, length, head or arm circumference) whose z-score, rounded to 2 decimals as WHO Anthro
// flags it, is exactly the limit, or one hundredth beyond it.
import type { GrowthInput } from "../../src/growth/assess.js";

/** WHO Anthro 1.1.0 flags (anthro_zscores; WHO 2006 technical report): implausible beyond these. */
export const FLAG_LIMITS = [
  { flag: "flen", z: "zlen", low: -6, high: 6 },
  { flag: "fwei", z: "zwei", low: -6, high: 5 },
  { flag: "fwfl", z: "zwfl", low: -5, high: 5 },
  { flag: "fbmi", z: "zbmi", low: -5, high: 5 },
  { flag: "fhc", z: "zhc", low: -5, high: 5 },
  { flag: "fac", z: "zac", low: -5, high: 5 },
] as const;

export type ZName = (typeof FLAG_LIMITS)[number]["z"];

/** A one-year-old (365 days) measured for one z-score only; `y` is the value that moves it. */
export function measuredFor(z: ZName, sex: "L" | "P", y: number): GrowthInput & { ageDays: number } {
  const base = { sex, ageDays: 365 };
  switch (z) {
    case "zlen":
      return { ...base, lengthCm: y, position: "lying" };
    case "zwei":
      return { ...base, weightKg: y };
    case "zwfl":
    case "zbmi":
      return { ...base, weightKg: y, lengthCm: 75, position: "lying" };
    case "zhc":
      return { ...base, headCm: y };
    case "zac":
      return { ...base, muacCm: y };
  }
}

/**
 * The smallest value in (lo, hi] whose rounded z-score is at least `target` (every z-score rises
 * with its value). A rounded z-score moves in steps of 0.01, so at that value it equals `target`.
 */
export function valueAtZ(target: number, zOf: (y: number) => number | null, lo = 0.5, hi = 150): number {
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    const z = zOf(mid);
    if (z !== null && z >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}
