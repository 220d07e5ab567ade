import { describe, expect, it } from "vitest";
import { assessGrowth } from "../../src/growth/assess.js";
import { bareWeightReading, checkPlausibility, isBlocking, type PlausibilityContext } from "../../src/growth/plausibility.js";
import { FLAG_LIMITS, measuredFor, valueAtZ } from "./flag-limits.js";

const birthDate = "2025-01-15";
const codes = (input: Parameters<typeof assessGrowth>[0], ctx: Partial<PlausibilityContext>): string[] =>
  checkPlausibility(assessGrowth(input), { measuredOn: input.measuredOn ?? "2026-01-20", today: "2026-01-20", birthDate, ...ctx }).map(
    (w) => w.code,
  );

describe("checkPlausibility", () => {
  it("is quiet for an ordinary measurement", () => {
    expect(
      codes(
        { sex: "L", birthDate, measuredOn: "2026-01-20", weightKg: 9.5, lengthCm: 75, position: "lying" },
        {
          weightKg: 9.5,
          previous: [{ date: "2025-12-18", weightKg: 9.3, clenhei: 74.2 }],
        },
      ),
    ).toEqual([]);
  });

  it("passes on WHO flags with the z-score", () => {
    const a = assessGrowth({ sex: "L", birthDate, measuredOn: "2026-01-20", lengthCm: 55, position: "lying" });
    const w = checkPlausibility(a, { measuredOn: "2026-01-20", today: "2026-01-20" });
    expect(w).toContainEqual({ code: "who-flag", field: "zlen", vars: { z: a.z.zlen as number } });
  });

  it("passes on the MUAC-for-age flag", () => {
    const a = assessGrowth({ sex: "L", birthDate, measuredOn: "2026-01-20", muacCm: 7 });
    expect(a.z.zac).toBeLessThan(-5);
    expect(checkPlausibility(a, { measuredOn: "2026-01-20", today: "2026-01-20" })).toContainEqual({
      code: "who-flag",
      field: "zac",
      vars: { z: a.z.zac as number },
    });
  });

  it("asks to confirm a weight in grams, suggesting kg with a decimal comma", () => {
    const w = checkPlausibility(assessGrowth({ sex: "L", birthDate, measuredOn: "2026-01-20" }), {
      measuredOn: "2026-01-20",
      today: "2026-01-20",
      weightGrams: 8200,
    });
    expect(w).toEqual([{ code: "weight-in-grams", vars: { grams: 8200, kg: "8,2" } }]);
  });

  it.each([
    // 18 months (548 days): 820 is 8,20 kg, not 0,82 kg; 8200 and 10600 are grams.
    [820, 548, { kg: 8.2, reading: "decimal" }],
    [8200, 548, { kg: 8.2, reading: "grams" }],
    [10600, 548, { kg: 10.6, reading: "grams" }],
    [105, 548, { kg: 10.5, reading: "decimal" }],
    // A newborn of 3200 g; without an age the grams reading stays.
    [3200, 5, { kg: 3.2, reading: "grams" }],
    [820, null, { kg: 0.82, reading: "grams" }],
  ] as const)("reads a bare weight of %s at %s days as %j", (typed, ageDays, expected) => {
    expect(bareWeightReading(typed, "L", ageDays)).toEqual(expected);
  });

  it("asks about a lost decimal comma with as many decimals as were typed", () => {
    const w = checkPlausibility(assessGrowth({ sex: "L", birthDate, measuredOn: "2026-01-20" }), {
      measuredOn: "2026-01-20",
      today: "2026-01-20",
      weightKg: 8.2,
      weightTyped: 820,
    });
    expect(w).toEqual([{ code: "weight-decimal", vars: { typed: 820, kg: "8,20" } }]);
  });

  it("lets only a future date block the report (nothing to confirm)", () => {
    expect(isBlocking({ code: "future-date" })).toBe(true);
    expect(isBlocking({ code: "same-day-duplicate" })).toBe(false);
  });

  it.each<[string, Parameters<typeof assessGrowth>[0], Partial<PlausibilityContext>, string]>([
    ["future date", { sex: "P", birthDate, measuredOn: "2026-01-21", weightKg: 9 }, { today: "2026-01-20" }, "future-date"],
    ["before birth", { sex: "P", birthDate, measuredOn: "2025-01-01", weightKg: 3 }, { measuredOn: "2025-01-01" }, "before-birth"],
    ["five years old", { sex: "P", birthDate: "2020-12-01", measuredOn: "2026-01-20", weightKg: 18 }, {}, "age-5-years-or-more"],
    // 1827 days = 60.03 months: WHO Anthro gives no z-score any more (igrowup went on to 1856 days).
    ["60 months and 1 day", { sex: "P", birthDate: "2021-01-19", measuredOn: "2026-01-20", weightKg: 18 }, {}, "age-5-years-or-more"],
    [
      "standing at 6 months",
      { sex: "P", birthDate, measuredOn: "2025-07-20", lengthCm: 65, position: "standing" },
      { measuredOn: "2025-07-20" },
      "standing-under-9-months",
    ],
    [
      "same day twice",
      { sex: "P", birthDate, measuredOn: "2026-01-20", weightKg: 9 },
      { previous: [{ date: "2026-01-20", weightKg: 9.1 }] },
      "same-day-duplicate",
    ],
    [
      "length 1.6 cm shorter",
      { sex: "P", birthDate, measuredOn: "2026-01-20", lengthCm: 73, position: "lying" },
      { previous: [{ date: "2025-12-18", clenhei: 74.6 }] },
      "length-decreased",
    ],
    [
      "weight +25 % in a month",
      { sex: "P", birthDate, measuredOn: "2026-01-20", weightKg: 10 },
      { weightKg: 10, previous: [{ date: "2025-12-18", weightKg: 8 }] },
      "weight-jump",
    ],
  ])("%s", (_name, input, ctx, code) => {
    expect(codes(input, ctx)).toContain(code);
  });

  it.each<[string, Partial<PlausibilityContext>, number]>([
    ["a 1.5 cm drop is tolerated", { previous: [{ date: "2025-12-18", clenhei: 74.5 }] }, 73],
    ["a standing-vs-lying change is corrected before comparing", { previous: [{ date: "2025-12-18", clenhei: 73.5 }] }, 73],
  ])("does not warn: %s", (_name, ctx, cm) => {
    expect(codes({ sex: "P", birthDate, measuredOn: "2026-01-20", lengthCm: cm, position: "lying" }, ctx)).not.toContain(
      "length-decreased",
    );
  });

  it("ignores a weight change over more than two months", () => {
    expect(
      codes(
        { sex: "P", birthDate, measuredOn: "2026-01-20", weightKg: 10 },
        { weightKg: 10, previous: [{ date: "2025-09-01", weightKg: 8 }] },
      ),
    ).not.toContain("weight-jump");
  });
});

describe("plausibility limits, exactly at and just beyond", () => {
  // WHO Anthro flags strictly beyond the limit: at −6 / +5 … the kader is not asked to confirm.
  const cases = FLAG_LIMITS.flatMap(({ z, low, high }) => [
    { z, target: Math.round((low - 0.01) * 100) / 100, warned: true },
    { z, target: low, warned: false },
    { z, target: high, warned: false },
    { z, target: Math.round((high + 0.01) * 100) / 100, warned: true },
  ]);
  it.each(cases)("$z = $target → who-flag: $warned", ({ z, target, warned }) => {
    const y = valueAtZ(target, (v) => assessGrowth(measuredFor(z, "P", v)).z[z]);
    const a = assessGrowth(measuredFor(z, "P", y));
    expect(a.z[z]).toBe(target);
    const flagged = checkPlausibility(a, { measuredOn: "2026-01-20", today: "2026-01-20" }).filter(
      (w) => w.code === "who-flag" && w.field === z,
    );
    expect(flagged).toEqual(warned ? [{ code: "who-flag", field: z, vars: { z: target } }] : []);
  });

  const weighed = (kg: number, previous: { date: string; weightKg: number }) =>
    codes({ sex: "P", birthDate, measuredOn: "2026-01-20", weightKg: kg }, { weightKg: kg, previous: [previous] });
  it.each([
    // A change of exactly a fifth is tolerated; more is a probable typo (MAX_WEIGHT_CHANGE_FRACTION).
    [12, { date: "2025-12-20", weightKg: 10 }, false],
    [12.01, { date: "2025-12-20", weightKg: 10 }, true],
    [8, { date: "2025-12-20", weightKg: 10 }, false],
    [7.99, { date: "2025-12-20", weightKg: 10 }, true],
    // Within 62 days the weights are compared; from 63 days apart they are not.
    [12.5, { date: "2025-11-19", weightKg: 10 }, true],
    [12.5, { date: "2025-11-18", weightKg: 10 }, false],
  ] as const)("%s kg after %j → weight-jump: %s", (kg, previous, warned) => {
    expect(weighed(kg, previous).includes("weight-jump")).toBe(warned);
  });

  it.each([
    // 1826 days = 59.99 months: still scored; 1827 days (60.03 months) is five years (see above).
    ["2021-01-20", false],
    ["2021-01-19", true],
  ])("born %s, measured 2026-01-20 → age-5-years-or-more: %s", (born, warned) => {
    const found = codes({ sex: "P", birthDate: born, measuredOn: "2026-01-20", weightKg: 18 }, { birthDate: born });
    expect(found.includes("age-5-years-or-more")).toBe(warned);
  });

  it("compares lengths only a drop beyond 1.5 cm: 1.51 cm warns", () => {
    expect(
      codes(
        { sex: "P", birthDate, measuredOn: "2026-01-20", lengthCm: 73, position: "lying" },
        { previous: [{ date: "2025-12-18", clenhei: 74.51 }] },
      ),
    ).toContain("length-decreased");
  });

  it("a measurement the day after another is not a same-day duplicate", () => {
    expect(
      codes({ sex: "P", birthDate, measuredOn: "2026-01-20", weightKg: 9 }, { previous: [{ date: "2026-01-19", weightKg: 9 }] }),
    ).not.toContain("same-day-duplicate");
  });
});
