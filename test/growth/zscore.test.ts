import { describe, expect, it } from "vitest";
import { lmsForAge, lmsForLength, cubicSpline } from "../../src/growth/who-tables.js";
import {
  ageDaysFromMonths,
  ageInDays,
  completedMonths,
  computeZScores,
  correctLengthHeight,
  lmsZ,
  restrictedLmsZ,
  roundTo,
} from "../../src/growth/zscore.js";

describe("age", () => {
  it.each([
    [22.45, 683],
    [60.83, 1852],
    [0, 0],
    [24, 731], // 730.5 rounds half up, as WHO Anthro
  ])("%s months → %s days", (months, days) => {
    expect(ageDaysFromMonths(months)).toBe(days);
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

describe("tables", () => {
  it("reproduces the published knots (month 12 boys weight: M = 9.6479)", () => {
    const lms = lmsForAge("wfa", "L", ageDaysFromMonths(12) - 0); // 365 days, 0.25 d before the knot
    expect(lms?.m).toBeCloseTo(9.6479, 2);
    expect(lmsForAge("lhfa", "P", 0)?.m).toBeCloseTo(49.1477, 6);
  });

  it("keeps length (to 730 d) and height (from 731 d) apart", () => {
    const len = lmsForAge("lhfa", "L", 730);
    const hei = lmsForAge("lhfa", "L", 731);
    // WHO boys: length median 87.8 cm at 24 months, height median 87.1 cm (0.7 cm apart).
    expect(len?.m).toBeCloseTo(87.8161, 1);
    expect(hei?.m).toBeCloseTo(87.1161, 1);
  });

  it("covers 0–1856 days and nothing else", () => {
    expect(lmsForAge("wfa", "L", 1856)).toBeDefined();
    expect(lmsForAge("wfa", "L", 1857)).toBeUndefined();
    expect(lmsForAge("wfa", "L", -1)).toBeUndefined();
  });

  it.each([
    ["wfl", 45, true],
    ["wfl", 110, true],
    ["wfl", 44.9, false],
    ["wfl", 110.1, false],
    ["wfh", 65, true],
    ["wfh", 120, true],
    ["wfh", 64.9, false],
    ["wfh", 120.1, false],
  ] as const)("%s at %s cm defined: %s", (table, cm, defined) => {
    expect(lmsForLength(table, "L", cm) !== undefined).toBe(defined);
  });

  it("hits the 0.5 cm rows exactly (boys 45 cm: M = 2.441)", () => {
    expect(lmsForLength("wfl", "L", 45)?.m).toBeCloseTo(2.441, 9);
    expect(lmsForLength("wfh", "P", 120)?.m).toBeCloseTo(22.8173, 9);
  });

  it("cubicSpline passes through its knots and follows a cubic exactly", () => {
    const xs = [0, 1, 3, 4, 7];
    const f = (x: number): number => x ** 3 - 2 * x + 1;
    const s = cubicSpline(xs, xs.map(f));
    for (const x of xs) expect(s(x)).toBeCloseTo(f(x), 9);
    expect(s(2)).toBeCloseTo(f(2), 0);
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

  it("rounds half away from zero to 2 decimals", () => {
    expect(roundTo(1.005, 2)).toBe(1.01);
    expect(roundTo(-2.125, 2)).toBe(-2.13);
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

  it("has no age-based z-scores after 1856 days, but weight-for-age at 1856", () => {
    expect(computeZScores({ sex: "L", ageDays: 1856, weightKg: 18 }).z.zwei).not.toBeNull();
    expect(computeZScores({ sex: "L", ageDays: 1857, weightKg: 18 }).z.zwei).toBeNull();
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
