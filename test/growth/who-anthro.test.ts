import { describe, expect, it } from "vitest";
import { compareWithAnthro, formatAgreement } from "../../src/growth/anthro-check.js";

// WHO Anthro 1.1.0's own output for ~11,700 measurements (scripts/who-anthro-reference.R).
describe("agreement with WHO Anthro 1.1.0 (test/growth/fixtures/who-anthro-reference.csv)", () => {
  const a = compareWithAnthro();

  it("reads the whole reference set", () => {
    console.log(formatAgreement(a));
    expect(a.rows).toBe(11_700);
    expect(a.zCompared).toBeGreaterThan(50_000);
  });

  it("has every z-score equal to WHO's at 2 decimals, every flag identical", () => {
    expect(a.mismatches.slice(0, 20)).toEqual([]);
    expect(a.zEqual).toBe(a.zCompared);
    expect(a.flagsEqual).toBe(a.flagsCompared);
  });

  it("has the same corrected length/height and the same 'standing under 9 months' flag", () => {
    expect(a.clenheiEqual).toBe(a.rows);
    expect(a.c9moEqual).toBe(a.rows);
  });
});
