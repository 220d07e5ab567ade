import { describe, expect, it } from "vitest";
import { compareWithIgrowup, formatAgreement } from "../../src/growth/igrowup-check.js";

describe("agreement with WHO igrowup output (jsgrowup testdata/survey_z_rc.csv)", () => {
  const a = compareWithIgrowup();

  it("reads all 498 children", () => {
    console.log(formatAgreement(a));
    expect(a.rows).toBe(498);
  });

  it("computes age in days and corrected length/height exactly as igrowup", () => {
    expect(a.agedaysEqual).toBe(a.rows);
    expect(a.clenheiEqual).toBe(a.rows);
  });

  it("has at least 99.5% of z-scores within 0.01 of WHO's", () => {
    expect(a.zCompared).toBeGreaterThan(1800);
    expect(a.zWithin001 / a.zCompared).toBeGreaterThanOrEqual(0.995);
  });

  it("has every flag identical (including empty where WHO has no z-score)", () => {
    expect(a.mismatches.filter((m) => / f(len|wei|wfl|bmi):/.test(m))).toEqual([]);
    expect(a.flagsEqual).toBe(a.flagsCompared);
  });
});
