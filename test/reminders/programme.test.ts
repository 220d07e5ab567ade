// The lazy, day-by-day planning (dueSlice + next_due cursor) must yield exactly the programme
// that planPregnancy/planChild/planPostnatal compute in one go — nothing lost, nothing extra.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, compareDates } from "../../src/reminders/dates.js";
import { dueSlice, type PlanKey } from "../../src/reminders/programme.js";
import { planChild, planPostnatal, planPregnancy, type PlannedReminder } from "../../src/reminders/schedule.js";

function expected(plan: PlannedReminder[]): string[] {
  return plan
    .flatMap((r) => [
      `${r.ruleKey}|${r.occurrence}|0|${r.due}|${r.until}`,
      ...(r.followUp ? [`${r.ruleKey}|${r.occurrence}|1|${r.followUp.due}|${r.followUp.until}`] : []),
    ])
    .sort();
}

/** Runs the cursor the way the tick does: plan on every day the cursor says, from `start`. */
function lazily(key: PlanKey, posyanduDay: number | null, start: string, last: string): { keys: string[]; visits: number } {
  const got: string[] = [];
  let plannedThrough: string | null = null;
  let nextDue: string | null = start;
  let visits = 0;
  for (let day = start; compareDates(day, last) <= 0; day = addDays(day, 1)) {
    if (nextDue === null) break;
    if (compareDates(nextDue, day) > 0) continue;
    visits++;
    const slice = dueSlice(key, posyanduDay, plannedThrough, day, day);
    for (const e of slice.entries) {
      expect(compareDates(e.due, day) <= 0 && compareDates(e.until, day) >= 0, `${e.ruleKey} ${e.occurrence} open on ${day}`).toBe(true);
      got.push(`${e.ruleKey}|${e.occurrence}|${e.followUp}|${e.due}|${e.until}`);
    }
    plannedThrough = day;
    nextDue = slice.nextDue;
    if (nextDue !== null) expect(compareDates(nextDue, day)).toBeGreaterThan(0);
  }
  return { keys: got.sort(), visits };
}

const anchors = fc.integer({ min: 0, max: 1500 }).map((n) => addDays("2024-01-01", n));
const posyanduDays = fc.option(fc.integer({ min: 1, max: 31 }), { nil: null });

describe("lazy planning equals the full programme", () => {
  it("pregnancy, with or without a posyandu day", () => {
    fc.assert(
      fc.property(anchors, posyanduDays, (hpht, day) => {
        const full = expected(planPregnancy({ hpht, ...(day === null ? {} : { posyanduDay: day }) }));
        const lazy = lazily({ programme: "pregnancy", anchor: hpht }, day, hpht, addDays(hpht, 300));
        expect(lazy.keys).toEqual(full);
      }),
      { numRuns: 15 },
    );
  });

  it("child to 5 years, with or without a posyandu day; postnatal KF", () => {
    fc.assert(
      fc.property(anchors, posyanduDays, (birth, day) => {
        const full = expected(planChild({ birthDate: birth, ...(day === null ? {} : { posyanduDay: day }) }));
        const lazy = lazily({ programme: "child", anchor: birth }, day, birth, addDays(birth, 5 * 366 + 60));
        expect(lazy.keys).toEqual(full);
        // The cursor visits only days with something due, not every day of five years.
        expect(lazy.visits).toBeLessThan(full.length);
        expect(lazily({ programme: "postnatal", anchor: birth }, null, birth, addDays(birth, 60)).keys).toEqual(
          expected(planPostnatal({ birthDate: birth })),
        );
      }),
      { numRuns: 10 },
    );
  });

  it("an enrolment mid-programme takes only what is still open", () => {
    const hpht = "2026-01-04";
    const today = "2026-03-10"; // 9 weeks 2 days
    const slice = dueSlice({ programme: "pregnancy", anchor: hpht }, null, null, today, today);
    expect(slice.entries.map((e) => `${e.ruleKey}|${e.occurrence}|${e.followUp}`)).toEqual([
      "anc-k1|1|0", // K1 window (4–12 weeks) still open
      "danger-signs-tm1|1|0", // the danger signs at enrolment (trimester I window)
      "ttd-weekly|week-9|0",
      "tip-pregnancy|week-9|0",
    ]);
    expect(slice.nextDue).toBe("2026-03-15"); // week 10
  });
});
