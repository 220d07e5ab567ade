import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addAgeOffset, ageInCompletedMonths, dayInMonth, localDateOf, parseLocalDate } from "../../src/reminders/dates.js";
import { REMINDER_RULES, immunizationRules } from "../../src/reminders/rules.js";
import {
  followUpWindow,
  gestationalAge,
  hphtFromHpl,
  hphtFromWeeks,
  hplFromHpht,
  planChild,
  planPostnatal,
  planPregnancy,
  trimesterOf,
  type PlannedReminder,
} from "../../src/reminders/schedule.js";

const byKey = (plan: PlannedReminder[], key: string) => plan.filter((r) => r.ruleKey === key);
const one = (plan: PlannedReminder[], key: string) => {
  const found = byKey(plan, key);
  expect(found, key).toHaveLength(1);
  return found[0]!;
};

describe("HPL and HPHT (Naegele, +280 days)", () => {
  it.each([
    ["2026-03-01", "2026-12-06"],
    ["2027-05-25", "2028-02-29"], // lands on a leap day
    ["2027-05-26", "2028-03-01"],
    ["2026-12-31", "2027-10-07"],
    ["2024-02-29", "2024-12-05"], // HPHT on a leap day
    ["2025-05-25", "2026-03-01"], // no 29 Feb in 2026
  ])("HPHT %s → HPL %s and back", (hpht, hpl) => {
    expect(hplFromHpht(hpht)).toBe(hpl);
    expect(hphtFromHpl(hpl)).toBe(hpht);
  });

  it.each([
    [12, 0, "2026-06-01", "2026-03-09"],
    [0, 0, "2026-06-01", "2026-06-01"],
    [40, 0, "2028-02-29", "2027-05-25"],
    [8, 3, "2026-03-05", "2026-01-05"],
  ])("%i weeks %i days on %s → HPHT %s", (weeks, days, today, hpht) => {
    expect(hphtFromWeeks(weeks, today, days)).toBe(hpht);
  });

  it.each(["2026-02-29", "2026-13-01", "26-03-01", "2026-3-1", ""])("rejects the impossible date %j", (bad) => {
    expect(() => hplFromHpht(bad)).toThrow(/invalid/);
    expect(() => planPregnancy({ hpht: bad })).toThrow(/invalid/);
  });

  it("rejects weeks that are not a pregnancy", () => {
    expect(() => hphtFromWeeks(-1, "2026-01-01")).toThrow(RangeError);
    expect(() => hphtFromWeeks(12.5, "2026-01-01")).toThrow(RangeError);
    expect(() => hphtFromWeeks(12, "2026-01-01", 7)).toThrow(RangeError);
  });
});

describe("gestational age and trimester (cut at 12 and 24 weeks)", () => {
  it.each([
    ["2026-03-01", "2026-03-01", 0, 0, 1],
    ["2026-03-01", "2026-05-24", 12, 0, 1], // 84 days: still TM I
    ["2026-03-01", "2026-05-25", 12, 1, 2],
    ["2026-03-01", "2026-08-16", 24, 0, 2],
    ["2026-03-01", "2026-08-17", 24, 1, 3],
    ["2027-05-25", "2028-02-29", 40, 0, 3],
  ])("HPHT %s on %s → %i weeks %i days, trimester %i", (hpht, on, weeks, days, trimester) => {
    const age = gestationalAge(hpht, on);
    expect([age.weeks, age.days]).toEqual([weeks, days]);
    expect(trimesterOf(age)).toBe(trimester);
  });

  it("refuses a date before HPHT", () => {
    expect(() => gestationalAge("2026-03-01", "2026-02-28")).toThrow(RangeError);
  });
});

describe("planPregnancy", () => {
  const hpht = "2026-03-01";
  const plan = planPregnancy({ hpht, posyanduDay: 12 });

  it("has six ANC visits split 1-2-3 over the trimesters, K1 and K5 with the doctor", () => {
    const anc = plan.filter((r) => r.kind === "anc");
    expect(anc.map((r) => r.vars.visit)).toEqual(["K1", "K2", "K3", "K4", "K5", "K6"]);
    const trimesters = anc.map((r) => trimesterOf(gestationalAge(hpht, r.due)));
    expect(trimesters).toEqual([1, 2, 2, 3, 3, 3]);
    // each window stays inside its trimester
    for (const r of anc) expect(trimesterOf(gestationalAge(hpht, r.until))).toBe(r.vars.trimester);
    expect(anc.filter((r) => r.messageKey === "reminders:anc.doctor").map((r) => r.vars.visit)).toEqual(["K1", "K5"]);
    expect(one(plan, "anc-k6").until).toBe(hplFromHpht(hpht));
  });

  it("follows each ANC visit up a week before its window ends", () => {
    const k1 = one(plan, "anc-k1");
    expect(k1).toMatchObject({ due: "2026-03-29", until: "2026-05-24" });
    expect(k1.followUp).toEqual({ due: "2026-05-17", until: "2026-05-24", messageKey: "reminders:followUp.anc" });
    for (const r of plan.filter((x) => x.kind === "anc")) expect(r.followUp).toBeDefined();
  });

  it("sends a weekly TTD reminder through week 40, with the anaemia text when Hb is low", () => {
    const ttd = byKey(plan, "ttd-weekly");
    expect(ttd).toHaveLength(36);
    expect(new Set(ttd.map((r) => r.messageKey))).toEqual(new Set(["reminders:ttd.weekly"]));
    const low = byKey(planPregnancy({ hpht, hbLow: true }), "ttd-weekly");
    expect(low.map((r) => r.occurrence)).toEqual(ttd.map((r) => r.occurrence));
    expect(new Set(low.map((r) => r.messageKey))).toEqual(new Set(["reminders:ttd.anemia"]));
  });

  it("plans P4K around week 34 and the danger signs once in each trimester, not first at week 36", () => {
    expect(gestationalAge(hpht, one(plan, "p4k-plan").due).weeks).toBe(34);
    const danger = plan.filter((r) => r.ruleKey.startsWith("danger-signs-"));
    expect(danger.map((r) => trimesterOf(gestationalAge(hpht, r.due)))).toEqual([1, 2, 3]);
    expect(danger.map((r) => gestationalAge(hpht, r.due).weeks)).toEqual([4, 12, 24]);
  });

  it("has one tip a week from week 4 to 40", () => {
    const tips = byKey(plan, "tip-pregnancy");
    expect(tips.map((r) => r.occurrence)).toEqual(Array.from({ length: 37 }, (_, i) => `week-${i + 4}`));
    expect(new Set(tips.map((r) => r.messageKey)).size).toBeGreaterThanOrEqual(15);
  });

  it("reminds the day before posyandu every month until HPL", () => {
    const pos = byKey(plan, "posyandu-pregnancy");
    expect(pos[0]).toMatchObject({ occurrence: "2026-04", due: "2026-04-11", until: "2026-04-12" });
    expect(pos.at(-1)).toMatchObject({ occurrence: "2026-11", due: "2026-11-11" });
    expect(byKey(planPregnancy({ hpht }), "posyandu-pregnancy")).toEqual([]);
  });

  it("drops windows already over with fromDate, keeps open ones", () => {
    const later = planPregnancy({ hpht, fromDate: "2026-05-20" });
    expect(byKey(later, "anc-k1")).toHaveLength(1); // window still open until 24 May
    expect(later.every((r) => r.until >= "2026-05-20")).toBe(true);
    expect(byKey(planPregnancy({ hpht, fromDate: "2026-05-25" }), "anc-k1")).toEqual([]);
  });

  it("is sorted by due date", () => {
    const dues = plan.map((r) => r.due);
    expect(dues).toEqual([...dues].sort());
  });
});

describe("planPostnatal (KF) and KN windows", () => {
  it.each([
    ["kf1", "2026-01-30", "2026-02-01"],
    ["kf2", "2026-02-02", "2026-02-06"],
    ["kf3", "2026-02-07", "2026-02-27"],
    ["kf4", "2026-02-28", "2026-03-13"],
  ])("%s after a birth on 30 Jan 2026: %s – %s", (key, due, until) => {
    expect(one(planPostnatal({ birthDate: "2026-01-30" }), key)).toMatchObject({ due, until });
  });

  it.each([
    ["kn1", "2028-02-28", "2028-03-01"], // through a leap day
    ["kn2", "2028-03-02", "2028-03-06"],
    ["kn3", "2028-03-07", "2028-03-27"],
  ])("%s after a birth on 28 Feb 2028: %s – %s", (key, due, until) => {
    expect(one(planChild({ birthDate: "2028-02-28" }), key)).toMatchObject({ due, until });
  });
});

describe("planChild", () => {
  const birth = "2026-01-31";
  const plan = planChild({ birthDate: birth, sex: "P", posyanduDay: 30 });

  it("has every immunisation dose of the programme exactly once", () => {
    const keys = plan.filter((r) => r.kind === "immunization").map((r) => r.ruleKey);
    expect(keys.sort()).toEqual(
      [
        "imm-hb0",
        "imm-bcg",
        "imm-polio-1",
        "imm-polio-2",
        "imm-polio-3",
        "imm-polio-4",
        "imm-dpt-hb-hib-1",
        "imm-dpt-hb-hib-2",
        "imm-dpt-hb-hib-3",
        "imm-dpt-hb-hib-4",
        "imm-pcv-1",
        "imm-pcv-2",
        "imm-pcv-3",
        "imm-rotavirus-1",
        "imm-rotavirus-2",
        "imm-rotavirus-3",
        "imm-ipv-1",
        "imm-ipv-2",
        "imm-mr-1",
        "imm-mr-2",
      ].sort(),
    );
    expect(immunizationRules).toHaveLength(20);
  });

  it.each([
    ["imm-hb0", 0],
    ["imm-bcg", 0],
    ["imm-polio-1", 0],
    ["imm-dpt-hb-hib-1", 2],
    ["imm-rotavirus-1", 2],
    ["imm-pcv-2", 3],
    ["imm-ipv-1", 4],
    ["imm-rotavirus-3", 4],
    ["imm-mr-1", 9],
    ["imm-ipv-2", 9],
    ["imm-pcv-3", 12],
    ["imm-dpt-hb-hib-4", 18],
    ["imm-mr-2", 18],
  ])("%s is due at %i completed months", (key, months) => {
    expect(ageInCompletedMonths(birth, one(plan, key).due)).toBe(months);
  });

  it("reminds BCG a week before 1 month (given 'sebelum/ketika usia 1 bulan')", () => {
    // 1 month of age is complete on 1 March for a child born 31 January
    expect(one(plan, "imm-bcg")).toMatchObject({ due: "2026-02-22", until: "2026-03-30" });
  });

  it("keeps the last rotavirus dose before 6 months 29 days", () => {
    const rv3 = one(plan, "imm-rotavirus-3");
    expect(ageInCompletedMonths(birth, rv3.until)).toBeLessThan(6);
  });

  it("moves posyandu day 30 to the last day of February (and 29 in a leap year)", () => {
    const pos = byKey(plan, "posyandu-child");
    expect(pos.find((r) => r.occurrence === "2026-02")).toMatchObject({ due: "2026-02-27", until: "2026-02-28" });
    expect(pos.find((r) => r.occurrence === "2028-02")).toMatchObject({ due: "2028-02-28", until: "2028-02-29" });
    expect(pos.find((r) => r.occurrence === "2026-04")).toMatchObject({ until: "2026-04-30" });
  });

  it("reminds posyandu from the first one after birth to 59 months", () => {
    const pos = byKey(plan, "posyandu-child");
    expect(pos[0]!.occurrence).toBe("2026-02");
    expect(pos).toHaveLength(60); // Feb 2026 … Jan 2031 (30 Jan 2031: still 59 completed months)
    for (const r of pos) expect(ageInCompletedMonths(birth, r.until)).toBeLessThanOrEqual(59);
    expect(byKey(planChild({ birthDate: birth }), "posyandu-child")).toEqual([]);
  });

  it("gives vitamin A in Februari and Agustus: blue once at 6–11 months, red at 12–59 months", () => {
    const vit = plan.filter((r) => r.kind === "vitamin-a");
    for (const r of vit) {
      expect(["02", "08"]).toContain(r.due.slice(5, 7));
      expect(r.due.slice(8)).toBe("01");
      const age = ageInCompletedMonths(birth, r.due);
      expect(r.ruleKey).toBe(age <= 11 ? "vitamin-a-blue" : "vitamin-a-red");
      expect(age).toBeGreaterThanOrEqual(6);
      expect(age).toBeLessThanOrEqual(59);
    }
    expect(byKey(plan, "vitamin-a-blue").map((r) => r.occurrence)).toEqual(["2026-08"]);
    expect(byKey(plan, "vitamin-a-red").map((r) => r.occurrence)).toEqual([
      "2027-02",
      "2027-08",
      "2028-02",
      "2028-08",
      "2029-02",
      "2029-08",
      "2030-02",
      "2030-08",
    ]);
    expect(one(plan, "vitamin-a-blue").until).toBe("2026-08-31");
  });

  it.each([
    ["2025-08-02", "2026-08"], // 5 months on 1 Feb 2026, 11 on 1 Aug 2026
    ["2025-08-01", "2026-02"], // exactly 6 months on 1 Feb 2026
    ["2025-02-01", "2025-08"], // 6 months on 1 Aug 2025
    ["2025-02-02", "2026-02"], // 5 months on 1 Aug, 11 months on 1 Feb
  ])("a child born %s gets exactly one blue capsule, in %s", (birthDate, month) => {
    expect(byKey(planChild({ birthDate }), "vitamin-a-blue").map((r) => r.occurrence)).toEqual([month]);
  });

  it("has the feeding steps at birth, 1–5, 5½, 6, 9 and 12 months", () => {
    const feeding = plan.filter((r) => r.kind === "feeding").map((r) => [r.ruleKey, ageInCompletedMonths(birth, r.due)]);
    expect(feeding).toEqual([
      ["feeding-birth", 0],
      ["feeding-exclusive", 1], // 1 March: born 31 Jan, a full month is only complete then
      ["feeding-exclusive", 2],
      ["feeding-exclusive", 3],
      ["feeding-exclusive", 4],
      ["feeding-exclusive", 5],
      ["feeding-mpasi-prepare", 5],
      ["feeding-mpasi-start", 6],
      ["feeding-texture-9", 9],
      ["feeding-texture-12", 12],
    ]);
  });

  it("has weekly tips for 0–3 months and monthly tips to 24 months", () => {
    expect(byKey(plan, "tip-child-week").map((r) => r.occurrence)).toEqual(Array.from({ length: 12 }, (_, i) => `week-${i + 1}`));
    expect(byKey(plan, "tip-child-month").map((r) => r.occurrence)).toEqual(Array.from({ length: 22 }, (_, i) => `month-${i + 3}`));
    const texts = new Set(plan.filter((r) => r.kind === "tip").map((r) => r.messageKey));
    expect(texts.size).toBeGreaterThanOrEqual(20);
  });

  it("starts a late-registered child at today's open windows", () => {
    const late = planChild({ birthDate: "2025-06-15", fromDate: "2026-11-28" });
    expect(late.every((r) => r.until >= "2026-11-28")).toBe(true);
    expect(byKey(late, "imm-mr-2").length).toBe(1); // due 15 Dec 2026
    expect(byKey(late, "imm-hb0")).toEqual([]);
  });

  it("rejects bad input with a clear error", () => {
    expect(() => planChild({ birthDate: "2026-02-30" })).toThrow(/invalid birth date/);
    expect(() => planChild({ birthDate: "2026-01-01", posyanduDay: 0 })).toThrow(/posyandu day/);
    expect(() => planChild({ birthDate: "2026-01-01", posyanduDay: 32 })).toThrow(/posyandu day/);
    expect(() => planChild({ birthDate: "2026-01-01", sex: "X" as never })).toThrow(/sex/);
  });
});

describe("dates", () => {
  it.each([
    [2026, 2, 30, "2026-02-28"],
    [2028, 2, 31, "2028-02-29"],
    [2026, 4, 31, "2026-04-30"],
    [2026, 12, 31, "2026-12-31"],
    [2026, 3, 12, "2026-03-12"],
  ])("posyandu day: %i-%i day %i → %s", (y, m, d, expected) => {
    expect(dayInMonth(y, m, d)).toBe(expected);
  });

  it.each([
    ["2026-01-31", "2026-02-28", 0],
    ["2026-01-31", "2026-03-31", 2],
    ["2025-03-10", "2026-03-09", 11],
    ["2025-03-10", "2026-03-10", 12],
    ["2024-02-29", "2025-02-28", 11],
    ["2024-02-29", "2025-03-01", 12],
  ])("umur bulan penuh from %s on %s = %i", (birth, on, months) => {
    expect(ageInCompletedMonths(birth, on)).toBe(months);
  });

  it.each([
    ["2026-01-15", 1, "2026-02-15"],
    ["2026-01-31", 1, "2026-03-01"], // no 31 Feb: one full month is complete on 1 March
    ["2026-01-29", 1, "2026-03-01"],
    ["2028-01-29", 1, "2028-02-29"],
    ["2024-02-29", 12, "2025-03-01"],
    ["2026-08-31", 6, "2027-03-01"],
  ])("born %s, %i months of age are complete on %s", (birth, months, expected) => {
    const day = addAgeOffset(birth, { months });
    expect(day).toBe(expected);
    expect(ageInCompletedMonths(birth, day)).toBe(months);
    expect(ageInCompletedMonths(birth, addAgeOffset(birth, { months, days: -1 }))).toBe(months - 1);
  });

  it.each([
    ["2026-03-09T15:59:59Z", "2026-03-09"],
    ["2026-03-09T16:00:00Z", "2026-03-10"], // midnight WITA
  ])("the WITA date of %s is %s", (instant, date) => {
    expect(localDateOf(new Date(instant))).toBe(date);
  });

  it("reads dates as WITA calendar days", () => {
    expect(parseLocalDate("2026-03-01").toISO()).toBe("2026-03-01T00:00:00.000+08:00");
  });
});

describe("follow-up windows", () => {
  it.each([
    ["2026-01-01", "2026-01-31", 7, "2026-01-24"],
    ["2026-01-01", "2026-01-03", 1, "2026-01-02"],
    ["2026-01-01", "2026-01-03", 5, "2026-01-02"], // never on the first day
  ])("window %s–%s, %i days before end → %s", (due, until, days, expected) => {
    expect(followUpWindow(due, until, days)).toEqual({ due: expected, until });
  });

  it("has no follow-up for a one-day window", () => {
    expect(followUpWindow("2026-01-01", "2026-01-01", 0)).toBeNull();
  });
});

describe("plan invariants over many dates", () => {
  const date = fc
    .date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2035-12-31T00:00:00Z"), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));
  const day = fc.integer({ min: 1, max: 31 });

  const check = (plan: PlannedReminder[]) => {
    const pairs = plan.map((r) => `${r.ruleKey}|${r.occurrence}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    for (const r of plan) {
      expect(r.due <= r.until).toBe(true);
      if (r.followUp) {
        expect(r.followUp.due > r.due).toBe(true);
        expect(r.followUp.due <= r.until).toBe(true);
      }
    }
  };

  it("never has duplicate (ruleKey, occurrence) pairs or inverted windows", () => {
    fc.assert(
      fc.property(date, day, fc.boolean(), (d, posyanduDay, hbLow) => {
        check(planPregnancy({ hpht: d, posyanduDay, hbLow }));
        check(planChild({ birthDate: d, posyanduDay }));
        check(planPostnatal({ birthDate: d }));
      }),
      { numRuns: 25 },
    );
  });

  it("every rule key is unique", () => {
    const keys = REMINDER_RULES.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("every rule names its source", () => {
    for (const r of REMINDER_RULES) expect(r.source.length, r.key).toBeGreaterThan(10);
  });
});
