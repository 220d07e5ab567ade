import { describe, expect, it } from "vitest";
import { lmsForAge, lmsForLength } from "../../src/growth/who-tables.js";
import {
  ageDaysFromMonths,
  ageInDays,
  completedMonths,
  computeZScores,
  correctLengthHeight,
  lmsZ,
  restrictedLmsZ,
  roundHalfUp,
  roundTo,
} from "../../src/growth/zscore.js";
import { FLAG_LIMITS, measuredFor, valueAtZ } from "./flag-limits.js";

describe("age", () => {
  it.each([
    [22.45, 683],
    [60.83, 1852],
    [0, 0],
    [24, 731], // 730.5 rounds half up, as WHO Anthro
  ])("%s months → %s days", (months, days) => {
    expect(ageDaysFromMonths(months)).toBe(days);
  });

  it("rounds age in days half up (WHO Anthro round_up)", () => {
    expect(roundHalfUp(730.49)).toBe(730);
    expect(roundHalfUp(730.5)).toBe(731);
    expect(computeZScores({ sex: "L", ageDays: 730.5, lengthCm: 85, position: "lying" })).toMatchObject({ ageDays: 731, clenhei: 84.3 });
  });

  it("counts days between calendar dates, across leap years", () => {
    expect(ageInDays("2024-02-28", "2024-03-01")).toBe(2);
    expect(ageInDays("2023-11-12", "2025-11-12")).toBe(731);
  });

  it.each([
    ["2025-01-20", "2025-10-30", 9], // 9 bulan 10 hari → 9
    ["2025-01-20", "2025-11-19", 9], // 9 bulan 30 hari → 9
    ["2025-01-20", "2025-11-20", 10],
    ["2024-12-31", "2025-02-28", 1],
  ])("umur bulan penuh %s → %s = %s", (birth, measured, months) => {
    expect(completedMonths(birth, measured)).toBe(months);
  });
});

describe("the ±0.7 cm length/height convention", () => {
  it.each([
    [730, 80, "standing", 80.7, "standing"],
    [731, 80, "standing", 80, "standing"],
    [730, 80, "lying", 80, "lying"],
    [731, 80, "lying", 79.3, "lying"],
    [731, 80, undefined, 80, null],
    [300, 70, "standing", 70.7, "standing"],
    [273, 70, "standing", 70, null], // under 9 months (273 / 30.4375 < 9): not corrected, flagged
    [273.9, 70, "standing", 70, null], // 8.9988 months, though it rounds to day 274
    [274, 70, "standing", 70.7, "standing"],
  ] as const)("%s days, %s cm %s → %s", (days, cm, position, clenhei, used) => {
    const r = correctLengthHeight(days, cm, position);
    expect(r.clenhei).toBeCloseTo(clenhei, 10);
    expect(r.positionUsed).toBe(used);
  });

  it("reports standing under 9 months", () => {
    expect(computeZScores({ sex: "P", ageDays: 200, lengthCm: 66, position: "standing" }).standingUnder9Months).toBe(true);
    expect(computeZScores({ sex: "P", ageDays: 300, lengthCm: 70, position: "standing" }).standingUnder9Months).toBe(false);
  });
});

describe("tables (WHO Anthro 1.1.0, read at the exact day)", () => {
  it("reads the daily rows as published (boys weight day 365: M = 9.646)", () => {
    expect(lmsForAge("wfa", "L", 365)).toEqual({ l: 0.0645, m: 9.646, s: 0.10925 });
    expect(lmsForAge("wfa", "L", 1826)?.m).toBe(18.3352);
    expect(lmsForAge("acfa", "L", 91)).toEqual({ l: 0.3933, m: 13.4779, s: 0.07474 });
  });

  it("keeps length (to 730 d) and height (from 731 d) apart", () => {
    expect(lmsForAge("lhfa", "L", 730)?.m).toBe(87.8018);
    expect(lmsForAge("lhfa", "L", 731)?.m).toBe(87.1303);
  });

  it("covers 0–1826 days (arm circumference 91–1826) and nothing else", () => {
    expect(lmsForAge("wfa", "L", 1826)).toBeDefined();
    expect(lmsForAge("wfa", "L", 1827)).toBeUndefined();
    expect(lmsForAge("wfa", "L", -1)).toBeUndefined();
    expect(lmsForAge("wfa", "L", 12.5)).toBeUndefined();
    expect(lmsForAge("acfa", "P", 90)).toBeUndefined();
  });

  it("hits the 0.1 cm rows exactly and interpolates linearly between them", () => {
    expect(lmsForLength("wfl", "L", 45)?.m).toBe(2.441);
    expect(lmsForLength("wfh", "P", 120)?.m).toBe(22.8173);
    const lo = lmsForLength("wfl", "L", 45) as { m: number };
    const hi = lmsForLength("wfl", "L", 45.1) as { m: number };
    expect(lmsForLength("wfl", "L", 45.05)?.m).toBeCloseTo((lo.m + hi.m) / 2, 10);
  });
});

describe("z-scores", () => {
  it("is 0 at the median and ±1 at M(1 ± S) when L = 1", () => {
    const lms = { l: 1, m: 80, s: 0.04 };
    expect(lmsZ(80, lms)).toBeCloseTo(0, 12);
    expect(lmsZ(83.2, lms)).toBeCloseTo(1, 12);
  });

  it("restricts weight-based z beyond +3 SD to the 2–3 SD band", () => {
    const lms = { l: -0.35, m: 10, s: 0.1 };
    const sd = (k: number): number => lms.m * (1 + lms.l * lms.s * k) ** (1 / lms.l);
    const y = sd(3) + (sd(3) - sd(2)) * 1.5;
    expect(restrictedLmsZ(y, lms)).toBeCloseTo(4.5, 10);
    // With L < 0 the plain LMS z compresses the right tail (here ≈ 4.26), which WHO avoids.
    expect(lmsZ(y, lms)).toBeLessThan(4.4);
    const yLow = sd(-3) - (sd(-2) - sd(-3)) * 0.5;
    expect(restrictedLmsZ(yLow, lms)).toBeCloseTo(-3.5, 10);
  });

  it("rounds to 2 decimals as R's round() does (nearest double, ties to even)", () => {
    expect(roundTo(1.005, 2)).toBe(1); // 1.005 is stored as 1.00499999…
    expect(roundTo(-2.125, 2)).toBe(-2.12); // an exact tie: the even one
    expect(roundTo(-2.135, 2)).toBe(-2.13);
    expect(roundTo(0.125, 2)).toBe(0.12);
    expect(roundTo(2.675, 2)).toBe(2.67);
    expect(roundTo(1.23456, 2)).toBe(1.23);
  });

  it("gives WHO Anthro's weight-for-age in the first two weeks (from the daily table)", () => {
    // WHO Anthro 1.1.0: boy, day 1, 2.5 kg → −1.84; girl, day 5, 2.6 kg → −1.54 (the old
    // spline through weekly knots gave −1.93 and −1.57).
    expect(computeZScores({ sex: "L", ageDays: 1, weightKg: 2.5 }).z.zwei).toBe(-1.84);
    expect(computeZScores({ sex: "P", ageDays: 5, weightKg: 2.6 }).z.zwei).toBe(-1.54);
  });

  it("computes arm circumference-for-age from 91 days, restricted beyond ±3 SD", () => {
    expect(computeZScores({ sex: "L", ageDays: 90, muacCm: 13.5 }).z.zac).toBeNull();
    const r = computeZScores({ sex: "L", ageDays: 91, muacCm: 13.4779 });
    expect(r.z.zac).toBe(0);
    expect(r.flags.fac).toBe(0);
    const thin = computeZScores({ sex: "L", ageDays: 91, muacCm: 7 });
    expect(thin.z.zac).toBeLessThan(-5);
    expect(thin.flags.fac).toBe(1);
  });

  it("gives no weight-based z-scores with oedema", () => {
    const r = computeZScores({ sex: "L", ageDays: 400, weightKg: 9, lengthCm: 76, position: "lying", oedema: true, headCm: 46 });
    expect(r.z.zwei).toBeNull();
    expect(r.z.zwfl).toBeNull();
    expect(r.z.zbmi).toBeNull();
    expect(r.flags.fwei).toBeNull();
    expect(r.z.zlen).not.toBeNull();
    expect(r.z.zhc).not.toBeNull();
    expect(r.cbmi).not.toBeNull();
  });

  it("switches weight-for-length to weight-for-height at 731 days", () => {
    // The same child and numbers give different tables on either side of 731 days.
    const at730 = computeZScores({ sex: "P", ageDays: 730, weightKg: 11, lengthCm: 85, position: "lying" });
    const at731 = computeZScores({ sex: "P", ageDays: 731, weightKg: 11, lengthCm: 85.7, position: "lying" });
    expect(at731.clenhei).toBeCloseTo(85, 10);
    expect(at730.z.zwfl).not.toBeNull();
    expect(at731.z.zwfl).not.toBeNull();
    expect(at730.z.zwfl).not.toBe(at731.z.zwfl);
  });

  it("has no weight-for-length below 45 cm or weight-for-height above 120 cm", () => {
    expect(computeZScores({ sex: "L", ageDays: 5, weightKg: 2, lengthCm: 44.9, position: "lying" }).z.zwfl).toBeNull();
    expect(computeZScores({ sex: "L", ageDays: 5, weightKg: 2.4, lengthCm: 45, position: "lying" }).z.zwfl).not.toBeNull();
    expect(computeZScores({ sex: "L", ageDays: 1800, weightKg: 22, lengthCm: 120, position: "standing" }).z.zwfl).not.toBeNull();
    expect(computeZScores({ sex: "L", ageDays: 1800, weightKg: 22, lengthCm: 120.1, position: "standing" }).z.zwfl).toBeNull();
    expect(computeZScores({ sex: "L", ageDays: 800, weightKg: 7, lengthCm: 64.9, position: "standing" }).z.zwfl).toBeNull();
  });

  it("scores only under 60 months on the unrounded age: 1826 days yes, 1826.25 no", () => {
    const child = { sex: "L", weightKg: 18, lengthCm: 108, position: "standing" } as const;
    const at1826 = computeZScores({ ...child, ageDays: 1826 });
    expect(at1826.z).toMatchObject({
      zwei: expect.any(Number),
      zlen: expect.any(Number),
      zwfl: expect.any(Number),
      zbmi: expect.any(Number),
    });
    for (const ageDays of [1826.25, 1827, 1850, 1856]) {
      const r = computeZScores({ ...child, ageDays });
      expect(r.z).toEqual({ zlen: null, zwei: null, zwfl: null, zbmi: null, zhc: null, zac: null });
      expect(r.flags.fwei).toBeNull();
    }
  });

  it("gives nothing for a negative age", () => {
    const r = computeZScores({ sex: "P", ageDays: -3, weightKg: 3, lengthCm: 50, position: "lying" });
    expect(r.ageDays).toBeNull();
    expect(Object.values(r.z).every((z) => z === null)).toBe(true);
  });

  it("computes weight-for-length without age (table by position)", () => {
    const r = computeZScores({ sex: "L", ageDays: null, weightKg: 9, lengthCm: 75, position: "lying" });
    expect(r.z.zwfl).not.toBeNull();
    expect(r.z.zlen).toBeNull();
    expect(r.z.zwei).toBeNull();
  });

  it("flags zwei < −6 and zwei > 5", () => {
    // A 2-year-old boy of 4 kg: zwei far below −6 → fwei = 1.
    const r = computeZScores({ sex: "L", ageDays: 730, weightKg: 4 });
    expect(r.z.zwei).toBeLessThan(-6);
    expect(r.flags.fwei).toBe(1);
    const heavy = computeZScores({ sex: "L", ageDays: 365, weightKg: 19 });
    expect(heavy.z.zwei).toBeGreaterThan(5);
    expect(heavy.flags.fwei).toBe(1);
  });

  it("flags |zlen| > 6", () => {
    const r = computeZScores({ sex: "P", ageDays: 365, lengthCm: 50, position: "lying" });
    expect(r.z.zlen).toBeLessThan(-6);
    expect(r.flags.flen).toBe(1);
    expect(computeZScores({ sex: "P", ageDays: 365, lengthCm: 74, position: "lying" }).flags.flen).toBe(0);
  });
});

describe("asymmetric weight-for-age flag", () => {
  it("does not flag zwei between −6 and −5 (only weight-for-length and BMI use ±5)", () => {
    // Find a weight with zwei in (−6, −5) for a 1-year-old girl.
    let w = 6;
    let z = computeZScores({ sex: "P", ageDays: 365, weightKg: w }).z.zwei ?? 0;
    while (z > -5.5 && w > 1) {
      w -= 0.05;
      z = computeZScores({ sex: "P", ageDays: 365, weightKg: w }).z.zwei ?? 0;
    }
    expect(z).toBeLessThan(-5);
    expect(z).toBeGreaterThan(-6);
    expect(computeZScores({ sex: "P", ageDays: 365, weightKg: w }).flags.fwei).toBe(0);
  });
});

// WHO Anthro flags a rounded z-score strictly beyond its limit: exactly at −6, +5 … is plausible.
describe("WHO flag limits, exactly at and one hundredth beyond", () => {
  const cases = FLAG_LIMITS.flatMap(({ flag, z, low, high }) =>
    (["L", "P"] as const).flatMap((sex) => [
      { flag, z, sex, target: Math.round((low - 0.01) * 100) / 100, flagged: 1 },
      { flag, z, sex, target: low, flagged: 0 },
      { flag, z, sex, target: high, flagged: 0 },
      { flag, z, sex, target: Math.round((high + 0.01) * 100) / 100, flagged: 1 },
    ]),
  );
  it.each(cases)("$z = $target ($sex) → $flag $flagged", ({ flag, z, sex, target, flagged }) => {
    const zOf = (y: number) => computeZScores(measuredFor(z, sex, y)).z[z];
    const y = valueAtZ(target, zOf);
    const r = computeZScores(measuredFor(z, sex, y));
    expect(r.z[z]).toBe(target);
    expect(r.flags[flag]).toBe(flagged);
  });
});
